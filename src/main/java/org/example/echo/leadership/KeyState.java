package org.example.echo.leadership;

import java.util.Optional;

/**
 * One read of the leader key.
 *
 * @param index the lock service's index for blocking reads (Consul's X-Consul-Index)
 * @param exists whether the key exists at all
 * @param session the session holding the lock, empty when nobody holds it
 * @param value the key's value (the holder record), empty when the key does not exist
 */
public record KeyState(long index, boolean exists, Optional<String> session, String value) {

  public static KeyState absent(long index) {
    return new KeyState(index, false, Optional.empty(), "");
  }

  public boolean heldBy(String sessionId) {
    return session.isPresent() && session.get().equals(sessionId);
  }

  public boolean free() {
    return session.isEmpty();
  }

}
