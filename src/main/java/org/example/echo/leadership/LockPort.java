package org.example.echo.leadership;

import java.time.Duration;

/**
 * What leadership needs from a lock service, for one instance and one leader key: a liveness signal, sessions tied
 * to it, a key to acquire, watch and confirm, and the service's promises ({@link LeaseTerms}). How the instance
 * makes itself known (Consul: service registration, TTL check, leader tag) is the adapter's business.
 * Implementations must not block longer than their client timeouts.
 */
public interface LockPort {

  /** The promises the serving deadline is derived from; may tighten once the service is reached. */
  LeaseTerms terms();

  /**
   * Keeps this instance known and alive to the lock service, announcing whether it holds the lock
   * ({@code serving}: Consul tags the holder's registration for DNS; its gate may be closed for a moment).
   * {@code NOT_REGISTERED} when the service forgot us: every session tied to us is gone or going.
   */
  void keepAlive(boolean serving) throws LockPortException;

  /** Creates a session tied to this instance's liveness; returns its id. */
  String createSession() throws LockPortException;

  /** Whether the session still exists (any answer of the service will do, it may be a moment old). */
  boolean sessionAlive(String session) throws LockPortException;

  /** Tries to take the lock; {@code false} when someone holds it or the service keeps it free for now. */
  boolean acquire(String session, String value) throws LockPortException;

  /** Reads the key, possibly a moment old; blocks up to {@code wait} while the index is still {@code index}. */
  KeyState watch(long index, Duration wait) throws LockPortException;

  /**
   * Reads the key as of now (linearizable: answered by the service's leader after it made sure it still leads).
   * Showing our session holding the key is what {@link LeaseTerms#holdAfterConfirm()} counts from.
   */
  KeyState confirm() throws LockPortException;

  /** Releases the lock, writing {@code value} so others can see it was a clean release. */
  void release(String session, String value) throws LockPortException;

  void destroySession(String session) throws LockPortException;

  /** Leaves the lock service for good (Consul: deregisters); a later {@link #keepAlive} must not undo it. */
  void leave() throws LockPortException;
}
