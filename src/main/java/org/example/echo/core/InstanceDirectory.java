package org.example.echo.core;

import java.util.List;

/**
 * The instances of this service that the lock service has registered, healthy or not: a read-only port for the
 * cluster view ({@code GET /cluster}). Consul mode asks Consul's health API; standalone has no directory.
 */
@FunctionalInterface
public interface InstanceDirectory {

  /** Every registered instance; throws {@link Unavailable} when the directory cannot be asked right now. */
  List<RegisteredInstance> instances();

  /** No lock service, so nobody is registered ({@code --standalone}). */
  static InstanceDirectory none() {
    return List::of;
  }

  /** The directory did not answer; the message is one line, fit for a client. */
  final class Unavailable extends RuntimeException {
    public Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
