package org.example.echo.core;

/**
 * What this instance reports about its role right now: the lock writes it, {@code /healthz} reads it. It exists
 * before either of them, so the transport can be built before the lock, which needs the transport's port.
 */
public final class CurrentRole {

  private volatile RoleStatus status;

  public CurrentRole(RoleStatus initial) {
    this.status = initial;
  }

  public RoleStatus get() {
    return status;
  }

  public void set(RoleStatus next) {
    status = next;
  }
}
