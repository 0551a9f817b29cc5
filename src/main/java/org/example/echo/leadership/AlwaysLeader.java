package org.example.echo.leadership;

import java.time.Instant;
import org.example.echo.core.CurrentRole;
import org.example.echo.core.LeaderLock;
import org.example.echo.core.RoleStatus;
import org.example.echo.core.TrafficGate;

/**
 * The lock of {@code --standalone}: no lock service and no other instance, so it is always held. The gate opens
 * at start and closes on release; {@code /healthz} says {@code standalone}.
 */
public final class AlwaysLeader implements LeaderLock {

  private final TrafficGate gate;
  private final CurrentRole role;

  public AlwaysLeader(TrafficGate gate, CurrentRole role) {
    this.gate = gate;
    this.role = role;
  }

  @Override
  public void start() {
    role.set(RoleStatus.standalone(Instant.now()));
    gate.open();
  }

  @Override
  public void release() {
    gate.close(Leadership.SHUTDOWN_CODE, Leadership.SHUTDOWN_REASON);
  }

  @Override
  public void leave() {
    // Nothing to leave: no lock service knows this instance.
  }
}
