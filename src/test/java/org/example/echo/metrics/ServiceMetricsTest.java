package org.example.echo.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.example.echo.core.CurrentRole;
import org.example.echo.core.RoleStatus;
import org.example.echo.testkit.MetricsText;
import org.junit.jupiter.api.Test;

/** The metrics the lock side reports: role, transitions, lease age, Consul calls; and the JVM's. */
class ServiceMetricsTest {

  private final ServiceMetrics metrics = new ServiceMetrics();

  private MetricsText scrape() {
    return MetricsText.parse(metrics.scrape());
  }

  private static RoleStatus role(String name) {
    return new RoleStatus(name, "someone", Instant.EPOCH);
  }

  @Test
  void leaderGaugeIsOneOnlyWhileLeadingAndEveryRoleChangeCountsOnce() {
    CurrentRole role = new CurrentRole(role("starting"));
    metrics.watchRole(role);
    assertThat(scrape().value("echo_leader")).hasValue(0);

    role.set(role("standby"));
    role.set(new RoleStatus("standby", "another holder", Instant.EPOCH)); // same role: no transition
    role.set(role("leader"));
    assertThat(scrape().value("echo_leader")).hasValue(1);
    role.set(role("standby"));
    role.set(role("leader"));

    MetricsText m = scrape();
    assertThat(m.value("echo_leader")).hasValue(1);
    assertThat(m.count("echo_role_transitions_total", "from", "starting", "to", "standby")).isEqualTo(1);
    assertThat(m.count("echo_role_transitions_total", "from", "standby", "to", "leader")).isEqualTo(2);
    assertThat(m.count("echo_role_transitions_total", "from", "leader", "to", "standby")).isEqualTo(1);
    assertThat(m.count("echo_role_transitions_total", "from", "standby", "to", "standby")).isZero();
    role.set(role("stopping"));
    assertThat(scrape().value("echo_leader")).hasValue(0);
  }

  @Test
  void standaloneServesSoItCountsAsTheLeader() {
    CurrentRole role = new CurrentRole(role("starting"));
    metrics.watchRole(role);
    role.set(RoleStatus.standalone(Instant.EPOCH));
    assertThat(scrape().value("echo_leader")).hasValue(1);
  }

  @Test
  void lockAgesAreInSecondsAndNaNWhileUnknown() {
    AtomicReference<Optional<Duration>> confirmed = new AtomicReference<>(Optional.empty());
    AtomicReference<Optional<Duration>> keptAlive = new AtomicReference<>(Optional.empty());
    metrics.lockConfirmationAge(confirmed::get);
    metrics.lockKeepAliveAge(keptAlive::get);
    assertThat(scrape().value("echo_lock_confirmed_age_seconds").orElseThrow()).isNaN();
    assertThat(scrape().value("echo_lock_keepalive_age_seconds").orElseThrow()).isNaN();
    confirmed.set(Optional.of(Duration.ofMillis(250)));
    keptAlive.set(Optional.of(Duration.ofMillis(150)));
    assertThat(scrape().value("echo_lock_confirmed_age_seconds")).hasValue(0.25);
    assertThat(scrape().value("echo_lock_keepalive_age_seconds")).hasValue(0.15);
  }

  /** A port like LockPort: each method one call to Consul. */
  interface Port {
    String createSession() throws Exception;

    String watch(long index, Duration wait) throws Exception;

    /** A read-out of the adapter, not a call to Consul. */
    String terms();
  }

  @Test
  void consulCallsAreTimedByOperationAndOutcomeAndExceptionsPassThrough() throws Exception {
    Exception unavailable = new Exception("Consul unavailable");
    Port port = metrics.timeConsulCalls(Port.class, new Port() {
      private int calls;

      @Override
      public String createSession() throws Exception {
        if (calls++ == 1) {
          throw unavailable;
        }
        return "s" + calls;
      }

      @Override
      public String watch(long index, Duration wait) {
        return "read at " + index;
      }

      @Override
      public String terms() {
        return "terms";
      }
    }, Set.of("terms"));
    assertThat(port.createSession()).isEqualTo("s1");
    assertThatThrownBy(port::createSession).isSameAs(unavailable);
    assertThat(port.createSession()).isEqualTo("s3");
    assertThat(port.watch(0, Duration.ZERO)).isEqualTo("read at 0");
    assertThat(port.watch(7, Duration.ofSeconds(5))).isEqualTo("read at 7");
    assertThat(port.terms()).isEqualTo("terms");
    assertThat(port.toString()).isNotEmpty(); // not a Consul call, not timed

    MetricsText m = scrape();
    String count = "echo_consul_requests_seconds_count";
    assertThat(m.count(count, "operation", "create_session", "outcome", "success")).isEqualTo(2);
    assertThat(m.count(count, "operation", "create_session", "outcome", "error")).isEqualTo(1);
    assertThat(m.count(count, "operation", "read", "outcome", "success")).isEqualTo(1);
    assertThat(m.count(count, "operation", "read_blocking", "outcome", "success")).isEqualTo(1);
    assertThat(m.value("echo_consul_requests_seconds_bucket", "operation", "read", "outcome", "success", "le", "10.0"))
        .hasValue(1);
    assertThat(m.has("echo_consul_requests_seconds_sum")).isTrue();
    assertThat(m.count(count, "operation", "terms", "outcome", "success")).as("not a Consul call").isZero();
  }

  @Test
  void theProcessAlsoReportsTheJvm() {
    MetricsText m = MetricsText.parse(ServiceMetrics.forProcess().scrape());
    assertThat(m.has("jvm_memory_used_bytes")).isTrue();
    assertThat(m.has("jvm_threads_live_threads")).isTrue();
    assertThat(m.has("process_uptime_seconds")).isTrue();
    assertThat(m.has("jvm_gc_memory_allocated_bytes_total") || m.has("jvm_gc_overhead")).isTrue();
  }
}
