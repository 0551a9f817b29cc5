package org.example.echo.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Nothing listens: both tools must fail, and say why in words a person can act on. */
class UnreachableEndpointTest {

  @Test
  void checkFailsWithTheRefusalAsReason() {
    String url = "ws://127.0.0.1:" + ClosedPort.find() + "/";

    CliRun run = CliRun.of(new CheckCommand(), "-c", "3", "-s", "0", "--echo", url);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .startsWith("FAILED: 0 of 3 connections established, 3 failed; first failure: connection 0:")
        .contains("Connection refused")
        .hasLineCount(1);
    assertThat(run.out())
        .contains("Total: 3, Dialing: 0, Established: 0, Closed: 0, Error: 3, NotInitiated: 0")
        .contains("Handshake time stats for 0 established connections");
  }

  @Test
  void probeReportsOneOngoingOutageCoveringEveryAttempt() throws Exception {
    URI url = URI.create("ws://127.0.0.1:" + ClosedPort.find() + "/");

    ProbeResult result;
    try (Probe probe = Probe.start(new ProbeSettings(url, Duration.ofMillis(20), Duration.ofMillis(500)))) {
      await().atMost(Duration.ofSeconds(5)).until(() -> probe.attempts() >= 3);
      result = probe.stop();
    }

    assertThat(result.attempts()).isGreaterThanOrEqualTo(3);
    assertThat(result.failedAttempts()).isEqualTo(result.attempts());
    assertThat(result.outages()).singleElement().satisfies(outage -> {
      assertThat(outage.ongoing()).isTrue();
      assertThat(outage.failedAttempts()).isEqualTo(result.attempts());
      assertThat(outage.firstError()).contains("Connection refused");
      assertThat(outage.length()).isGreaterThanOrEqualTo(Duration.ofMillis(40));
    });
  }

  @Test
  void probeCommandFailsWhenTheEndpointNeverAnswersEvenWithinMaxOutage() {
    String url = "ws://127.0.0.1:" + ClosedPort.find() + "/";

    CliRun run = CliRun.of(new ProbeCommand(), "--interval", "20ms", "--duration", "200ms", "--max-outage", "1m", url);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).matches("FAILED: the endpoint never answered in [1-9][0-9]* attempts\\n");
  }
}
