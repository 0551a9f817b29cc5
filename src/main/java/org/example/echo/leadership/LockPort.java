package org.example.echo.leadership;

import java.time.Duration;

/**
 * What leadership needs from a lock service, for one instance and one leader key. Implementations hold the
 * instance's service id, check id and key; they must not block longer than their client timeouts.
 */
public interface LockPort {

  /** Registers this instance with a passing health check; {@code leaderTag} marks it as the lock holder. */
  void register(boolean leaderTag) throws LockPortException;

  /** Marks the health check as passing. {@code NOT_REGISTERED} when the check is unknown. */
  void heartbeat() throws LockPortException;

  /** Creates a session tied to the health check; returns its id. */
  String createSession() throws LockPortException;

  /** Whether the session still exists. */
  boolean sessionAlive(String session) throws LockPortException;

  /** Tries to take the lock; {@code false} when someone holds it or lock-delay is in force. */
  boolean acquire(String session, String value) throws LockPortException;

  /** Reads the key; blocks up to {@code wait} while the index is still {@code index} (0: no blocking). */
  KeyState read(long index, Duration wait) throws LockPortException;

  /** Releases the lock, writing {@code value} so others can see it was a clean release. */
  void release(String session, String value) throws LockPortException;

  void destroySession(String session) throws LockPortException;

  void deregister() throws LockPortException;
}
