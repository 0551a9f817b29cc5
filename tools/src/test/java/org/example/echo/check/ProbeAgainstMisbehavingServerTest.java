package org.example.echo.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The probe against servers that are down in ways other than a closed port. */
class ProbeAgainstMisbehavingServerTest {

  @Test
  void anEndpointThatUpgradesButNeverEchoesIsAnOutage() throws Exception {
    try (ScriptedServer server = new ScriptedServer(Scripts.echoThen(0, Scripts::silence))) {
      ProbeResult result;
      try (Probe probe = Probe.start(
          new ProbeSettings(URI.create(server.url()), Duration.ofMillis(20), Duration.ofSeconds(1)))) {
        await().atMost(Duration.ofSeconds(5)).until(() -> probe.attempts() >= 2);
        result = probe.stop();
      }

      assertThat(result.failedAttempts()).isEqualTo(result.attempts());
      assertThat(result.outages()).singleElement().satisfies(outage -> {
        assertThat(outage.ongoing()).isTrue();
        assertThat(outage.firstError()).isEqualTo("no echo within 1000 ms");
        assertThat(outage.length()).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
      });
    }
  }

  @Test
  void theCommandPrintsAnOutageWhenItEndsAndVerboseNamesEveryFailedAttempt() throws Exception {
    // A standby's answer for the first three attempts, then a serving echo server.
    try (ScriptedServer server = new ScriptedServer((peer, index) -> {
      if (index < 3) {
        peer.rejectUpgrade("HTTP/1.1 503 Service Unavailable");
      } else {
        Scripts.plainEcho(peer, index);
      }
    })) {
      CliRun run = CliRun.of(new ProbeCommand(), "--interval", "20ms", "--duration", "1500ms", "--max-outage", "1s", "-v",
          server.url());

      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(run.out())
          .containsPattern("\nOutage: start [0-9T:.Z-]+, end [0-9T:.Z-]+, length [0-9]+ms, failed attempts 3,"
              + " first error: .*503.*\n")
          .contains(", Failed: 3, Outages: 1\n")
          .containsPattern("\nOK: longest outage [0-9]+ms within --max-outage 1s\n$");
      assertThat(run.err().lines())
          .hasSize(3)
          .allSatisfy(line -> assertThat(line).containsPattern(" attempt [123] failed: .*503"));
    }
  }
}
