package org.example.echo.core;

/**
 * Decides when this instance serves, by opening and closing its traffic gate. The service starts it once the
 * server listens; on SIGTERM it releases it first, so another instance can take over at once, and leaves once
 * its clients are gone.
 */
public interface LeaderLock {

  /** Starts competing for the lock; the gate opens while it is held. */
  void start();

  /** Closes the gate (clients get 1001) and gives the lock back. Nothing opens the gate again. */
  void release();

  /** Once the clients are gone: leaves the lock service for good (deregisters, destroys the session). */
  void leave() throws InterruptedException;
}
