package org.example.echo.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the probe command judges a run: the longest outage against --max-outage. */
class ProbeVerdictTest {
  private static final Instant T0 = Instant.parse("2026-11-21T18:50:01.123456Z");
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void longestOutageAboveTheLimitFails() {
    int status = report(Duration.ofMillis(300), outage(Duration.ofMillis(120), 2), outage(Duration.ofMillis(400), 8));

    assertThat(status).isEqualTo(1);
    assertThat(out.toString())
        .contains("Attempts: 100, Succeeded: 90, Failed: 10, Outages: 2\n")
        .contains("Longest outage: 400ms from 2026-11-21T18:50:01.123Z to 2026-11-21T18:50:01.523Z (8 failed attempts)");
    assertThat(err.toString()).isEqualTo("FAILED: longest outage 400ms exceeds --max-outage 300ms\n");
  }

  @Test
  void longestOutageAtTheLimitPasses() {
    int status = report(Duration.ofMillis(400), outage(Duration.ofMillis(400), 10));

    assertThat(status).isZero();
    assertThat(err.toString()).isEmpty();
    assertThat(out.toString()).endsWith("OK: longest outage 400ms within --max-outage 400ms\n");
  }

  @Test
  void whatIsBelowTheMillisecondPrintedDoesNotFailTheLimit() {
    int status = report(Duration.ofMillis(400), outage(Duration.ofNanos(400_999_999), 10));

    assertThat(status).isZero();
    assertThat(out.toString()).endsWith("OK: longest outage 400ms within --max-outage 400ms\n");
  }

  @Test
  void oneMillisecondOverTheLimitFails() {
    int status = report(Duration.ofMillis(400), outage(Duration.ofMillis(401), 10));

    assertThat(status).isEqualTo(1);
    assertThat(err.toString()).isEqualTo("FAILED: longest outage 401ms exceeds --max-outage 400ms\n");
  }

  @Test
  void settingsRefuseAnIntervalOrTimeoutThatIsNotPositive() {
    URI uri = URI.create("ws://127.0.0.1:1/");

    assertThatThrownBy(() -> new ProbeSettings(uri, Duration.ZERO, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ProbeSettings(uri, Duration.ofMillis(50), Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private int report(Duration maxOutage, Outage... outages) {
    ProbeCommand command = new ProbeCommand();
    command.url = URI.create("ws://127.0.0.1:1/");
    command.maxOutage = maxOutage;
    return command.report(new ProbeResult(100, 10, List.of(outages)), new PrintWriter(out, true), new PrintWriter(err, true));
  }

  private static Outage outage(Duration length, int failedAttempts) {
    return new Outage(T0, T0.plus(length), length, failedAttempts, "ConnectException: Connection refused", false);
  }
}
