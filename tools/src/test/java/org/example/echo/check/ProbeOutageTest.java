package org.example.echo.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.example.echo.core.RoleStatus;
import org.example.echo.ws.EchoServer;
import org.example.echo.ws.EchoSettings;
import org.example.echo.ws.LoopbackSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The probe sees the server go away and come back on the same port, and measures the gap. */
class ProbeOutageTest {
  private static final Duration INTERVAL = Duration.ofMillis(20);
  private static final Duration WAIT = Duration.ofSeconds(5);
  private EchoServer server;

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.shutdown(Duration.ofSeconds(1));
    }
  }

  @Test
  void measuresTheOutageBetweenStopAndRestart() throws Exception {
    server = startServer(new LoopbackSettings().build());
    int port = server.port();
    URI url = URI.create("ws://127.0.0.1:" + port + "/");

    try (Probe probe = Probe.start(new ProbeSettings(url, INTERVAL, Duration.ofMillis(500)))) {
      await().atMost(WAIT).until(() -> probe.attempts() >= 3);
      assertThat(probe.failedAttempts()).isZero();

      long beforeStop = System.nanoTime();
      server.shutdown(Duration.ofMillis(200));
      server = null;
      await().atMost(WAIT).until(probe::inOutage);
      long outageSeen = System.nanoTime();
      int failedBefore = probe.failedAttempts();
      await().atMost(WAIT).until(() -> probe.failedAttempts() >= failedBefore + 5);

      long beforeRestart = System.nanoTime();
      server = startServer(new LoopbackSettings().port(port).build());
      await().atMost(WAIT).until(() -> !probe.outages().isEmpty());
      long outageOverSeen = System.nanoTime();

      Outage outage = probe.outages().get(0);
      // Started no earlier than the stop and no later than we saw it; ended no earlier than the restart.
      assertThat(outage.length().toNanos())
          .isGreaterThanOrEqualTo(beforeRestart - outageSeen)
          .isLessThanOrEqualTo(outageOverSeen - beforeStop);
      assertThat(outage.failedAttempts()).isGreaterThanOrEqualTo(6);
      assertThat(outage.ongoing()).isFalse();
      assertThat(outage.end()).isEqualTo(outage.start().plus(outage.length()));

      ProbeResult result = probe.stop();
      assertThat(result.outages()).containsExactly(outage);
      assertThat(result.longest()).contains(outage);
      assertThat(result.failedAttempts()).isEqualTo(outage.failedAttempts());
    }
  }

  @Test
  void probeCommandPassesAgainstAHealthyServer() throws Exception {
    server = startServer(new LoopbackSettings().build());

    String url = "ws://127.0.0.1:" + server.port() + "/";
    CliRun run = CliRun.of(new ProbeCommand(), "--interval", "20ms", "--duration", "300ms", "--max-outage", "1s", url);

    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .startsWith("Probing " + url + " every 20ms for 300ms (attempt timeout 1s, max outage 1s)\n")
        .containsPattern("Attempts: [1-9][0-9]*, Succeeded: [1-9][0-9]*, Failed: 0, Outages: 0")
        .contains("Longest outage: none")
        .endsWith("OK: longest outage 0s within --max-outage 1s\n");
  }

  private static EchoServer startServer(EchoSettings settings) throws Exception {
    EchoServer started = new EchoServer(settings, () -> RoleStatus.standalone(Instant.now()));
    started.start();
    started.gate().open();
    return started;
  }
}
