package org.example.echo.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
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
  void defaultsAreTheDocumentedTiming() {
    ConsulOptions o = parse("--consul", "http://127.0.0.1:8500");
    assertThat(o.timing().checkTtl()).isEqualTo(Duration.ofSeconds(1));
    assertThat(o.timing().heartbeatInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(o.timing().lockDelay()).isEqualTo(Duration.ofMillis(500));
    assertThat(o.timing().retryMax()).isEqualTo(Duration.ofSeconds(5));
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
  }
}
