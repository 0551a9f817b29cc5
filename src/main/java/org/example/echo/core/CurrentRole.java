package org.example.echo.core;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * What this instance reports about its role right now: the lock writes it, {@code /healthz} reads it. It exists
 * before either of them, so the transport can be built before the lock, which needs the transport's port.
 * Observers (the metrics) hear of every change, so the lock need not know who watches.
 */
public final class CurrentRole {

  private volatile RoleStatus status;
  private final List<BiConsumer<RoleStatus, RoleStatus>> observers = new CopyOnWriteArrayList<>();

  public CurrentRole(RoleStatus initial) {
    this.status = initial;
  }

  public RoleStatus get() {
    return status;
  }

  public void set(RoleStatus next) {
    RoleStatus before;
    synchronized (this) {
      before = status;
      status = next;
    }
    for (BiConsumer<RoleStatus, RoleStatus> observer : observers) {
      observer.accept(before, next);
    }
  }

  /** {@code observer} gets (before, after) on every {@link #set}; it must be quick (the lock holds its monitor). */
  public void onChange(BiConsumer<RoleStatus, RoleStatus> observer) {
    observers.add(observer);
  }
}
