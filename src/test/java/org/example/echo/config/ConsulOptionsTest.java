package org.example.echo.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.example.echo.common.DurationConverter;
import org.example.echo.consul.ConsulLease;
import org.example.echo.leadership.LeadershipTiming;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ConsulOptionsTest {

  /** A command that only carries the mixin, so the options parse exactly as in Main. */
  @CommandLine.Command(name = "t")
  static final class Holder {
    @CommandLine.Mixin ConsulOptions consul;
  }

  private static ConsulOptions parse(String... args) {
    Holder h = new Holder();
    CommandLine cl = new CommandLine(h);
    cl.parseArgs(args);
    h.consul.validate(cl);
    return h.consul;
  }

  @Test
  void defaultsAreLeadershipTimingsDefaults() {
    ConsulOptions o = parse("--consul", "http://127.0.0.1:8500");
    assertThat(o.timing()).isEqualTo(LeadershipTiming.defaults());
    assertThat(o.lease()).isEqualTo(ConsulLease.defaults());
    assertThat(o.drainTime()).isEqualTo(DurationConverter.parse(ConsulOptions.DEFAULT_DRAIN_TIME));
    assertThat(o.serviceName()).isNotBlank();
    assertThat(o.advertiseAddress()).matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
  }

  @Test
  void hostAndPortWithoutSchemeMeansHttp() {
    assertThat(parse("--consul", "consul:8500").consulUri()).isEqualTo(URI.create("http://consul:8500"));
    assertThat(parse("--consul", "http://c:1", "--consul-token", " ").aclToken()).isEmpty();
    assertThat(parse("--consul", "http://c:1", "--consul-token", "s3cret").aclToken()).contains("s3cret");
    assertThat(parse("--consul", "http://c:1", "--advertise-address", "10.1.2.3").advertiseAddress())
        .isEqualTo("10.1.2.3");
  }

  @Test
  void rejectsBadValuesNamingTheOption() {
    assertThatThrownBy(() -> parse("--consul", "ftp://x:1")).hasMessageContaining("--consul");
    assertThatThrownBy(() -> parse("--consul", "http://c:1", "--service-name", "a b"))
        .hasMessageContaining("--service-name");
    assertThatThrownBy(() -> parse("--consul", "http://c:1", "--heartbeat-interval", "500ms"))
        .hasMessageContaining("--heartbeat-interval").hasMessageContaining("half --check-ttl (800ms)");
    assertThatThrownBy(() -> parse("--consul", "http://c:1", "--heartbeat-interval", "0"))
        .hasMessageContaining("--heartbeat-interval");
    assertThatThrownBy(() -> parse("--consul", "http://c:1", "--check-ttl", "0"))
        .hasMessageContaining("--check-ttl");
    assertThatThrownBy(() -> parse("--consul", "http://c:1", "--lock-delay", "61s"))
        .hasMessageContaining("--lock-delay").hasMessageContaining("more than Consul allows");
    // 500 ms less the margin (150 ms) is 350 ms: less than two 200 ms heartbeats.
    assertThatThrownBy(() -> parse("--consul", "http://c:1", "--lock-delay", "500ms"))
        .hasMessageContaining("--lock-delay").hasMessageContaining("serve 350 ms past its last heartbeat");
    // 600 ms + 1 s less the margin is 1340 ms: a confirmation every 700 ms would leave one retry.
    assertThatThrownBy(() -> parse("--consul", "http://c:1", "--confirm-interval", "700ms"))
        .hasMessageContaining("--confirm-interval").hasMessageContaining("1340 ms");
    assertThatThrownBy(() -> parse("--consul", "http://c:1", "--confirm-interval", "0"))
        .hasMessageContaining("--confirm-interval");
    assertThatThrownBy(() -> parse("--consul", "http://c:1", "--drain-time", "3001ms"))
        .hasMessageContaining("--drain-time")
        .hasMessageContaining("must be 0 to 3s");
  }

  @Test
  void everyTimingOptionIsRead() {
    ConsulOptions o = parse("--consul", "http://c:1", "--check-ttl", "2s", "--heartbeat-interval", "300ms",
        "--lock-delay", "900ms", "--gossip-suspicion-min", "1s", "--confirm-interval", "150ms",
        "--consul-retry-max", "9s", "--drain-time", "0");
    assertThat(o.timing()).isEqualTo(LeadershipTiming.of(
        Duration.ofMillis(300), Duration.ofMillis(150), Duration.ofSeconds(9)));
    assertThat(o.lease()).isEqualTo(new ConsulLease(
        Duration.ofSeconds(2), Duration.ofMillis(900), Duration.ofSeconds(1)));
    // At the edges: a heartbeat of exactly half the TTL, a window just over two heartbeats.
    assertThat(parse("--consul", "http://c:1", "--check-ttl", "1s", "--heartbeat-interval", "500ms",
        "--lock-delay", "1223ms").timing().heartbeatInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(o.drainTime()).isZero();
  }
}
