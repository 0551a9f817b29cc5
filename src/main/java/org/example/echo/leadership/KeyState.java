package org.example.echo.leadership;

import java.util.Optional;

/**
 * One read of the leader key.
 *
 * @param index the lock service's index for blocking reads (Consul's X-Consul-Index)
 * @param exists whether the key exists at all
 * @param session the session holding the lock, empty when nobody holds it
 * @param value the key's value (the holder record), empty when the key does not exist
 * @param createIndex index at which the key was created (0 when it does not exist)
 * @param modifyIndex index of the key's last change (0 when it does not exist)
 */
public record KeyState(
    long index, boolean exists, Optional<String> session, String value, long createIndex, long modifyIndex) {

  public static KeyState absent(long index) {
    return new KeyState(index, false, Optional.empty(), "", 0, 0);
  }

  public boolean heldBy(String sessionId) {
    return session.isPresent() && session.get().equals(sessionId);
  }

  public boolean free() {
    return session.isEmpty();
  }

  /**
   * A key our acquire created (rather than took over) was absent before: the lock service may have lost its
   * state while an old leader is still serving, so the new holder must wait before opening.
   */
  public boolean createdByLastWrite() {
    return exists && createIndex == modifyIndex;
  }
}
