package org.example.echo.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;
import org.example.echo.core.CurrentRole;
import org.example.echo.core.RoleStatus;

/**
 * {@code echo_leader} (1 on the instance that serves, 0 elsewhere) and {@code echo_role_transitions_total} (by
 * {@code from} and {@code to}), read from the role the lock reports, so the leadership code records nothing.
 */
final class RoleMetrics {

  /** The roles of an instance that serves: the lock holder, or the only instance without a lock service. */
  private static final Set<String> SERVING = Set.of("leader", "standalone");

  private final MeterRegistry registry;

  RoleMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void watch(CurrentRole role) {
    Gauge.builder("echo.leader", () -> SERVING.contains(role.get().role()) ? 1 : 0)
        .description("1 while this instance holds the lock and serves, else 0")
        .register(registry);
    role.onChange(this::transition);
  }

  private void transition(RoleStatus before, RoleStatus after) {
    if (!before.role().equals(after.role())) {
      // Roles are a handful of fixed words (RoleStatus), so from x to stays a small set of series.
      Counter.builder("echo.role.transitions")
          .tag("from", before.role())
          .tag("to", after.role())
          .description("Role changes of this instance, by old and new role")
          .register(registry)
          .increment();
    }
  }
}
