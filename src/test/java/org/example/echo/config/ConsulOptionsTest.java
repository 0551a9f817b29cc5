package org.example.echo.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.example.echo.common.DurationConverter;
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
    assertThatThrownBy(() -> parse("--consul", "http://c:1", "--heartbeat-interval", "900ms"))
        .hasMessageContaining("half the check TTL");
    assertThatThrownBy(() -> parse("--consul", "http://c:1", "--drain-time", "3001ms"))
        .hasMessageContaining("--drain-time")
        .hasMessageContaining("must be 0 to 3s");
  }

  @Test
  void everyTimingOptionIsRead() {
    ConsulOptions o = parse("--consul", "http://c:1", "--check-ttl", "2s", "--heartbeat-interval", "300ms",
        "--lock-delay", "700ms", "--consul-retry-max", "9s", "--drain-time", "0");
    assertThat(o.timing()).isEqualTo(LeadershipTiming.of(
        Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofMillis(700), Duration.ofSeconds(9)));
    assertThat(o.drainTime()).isZero();
  }
}
