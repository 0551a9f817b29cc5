package org.example.echo.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.example.echo.testing.ServingEchoServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The checker against the real echo server, in-process on a free port. */
class CheckAgainstEchoServerTest {
  @RegisterExtension final ServingEchoServer echo = new ServingEchoServer();

  @Test
  void allEstablishedEchoedAndHeldExitsZero() {
    CliRun run = CliRun.of(new CheckCommand(), "-c", "50", "-s", "0", "--echo", "--hold", "1", echo.url());

    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .startsWith("Total: 50, ")
        .contains("Holding 50 connections for 1 s")
        .contains("--- " + echo.url() + " WebSocket check statistics ---\n"
            + "Total: 50, Dialing: 0, Established: 50, Closed: 0, Error: 0, NotInitiated: 0\n")
        .containsPattern("Handshake time stats for 50 established connections min/avg/max/dev = "
            + "[0-9.]+ms/[0-9.]+ms/[0-9.]+ms/[0-9.]+ms")
        .containsPattern("Echo round trip stats for 50 echoed connections min/avg/max/dev = [0-9.]+ms/")
        .containsPattern("Connect \\+ first echo rate: 50 connections in [0-9.]+ s = [0-9]+ connections/s")
        .endsWith("OK: all 50 connections established and echoed, held for 1 s and echoed again\n");
    // The check closes what it opened.
    await().atMost(Duration.ofSeconds(5)).until(() -> echo.server().openConnections() == 0);
  }

  @Test
  void serverClosingConnectionsDuringTheHoldFails() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    JettyCheck check = new JettyCheck(options(20, Duration.ofSeconds(30)), writer(out), writer(err));
    CompletableFuture<CheckResult> result = CompletableFuture.supplyAsync(() -> runUnchecked(check));
    await().atMost(Duration.ofSeconds(5))
        .until(() -> check.counts().established() == 20 && echo.server().openConnections() == 20);

    echo.server().gate().close(1001, "test closes them");

    CheckResult outcome = result.get(10, TimeUnit.SECONDS);
    assertThat(outcome.passed()).isFalse();
    assertThat(outcome.exitCode()).isNotZero();
    // The hold ends at the first closure (plus a short settle), so not every closure need be counted yet.
    assertThat(outcome.counts().closed()).isPositive();
    assertThat(outcome.counts().established() + outcome.counts().closed()).isEqualTo(20);
    assertThat(outcome.verdict())
        .matches(outcome.counts().closed() + " of 20 connections were closed before the check ended; first: .*")
        .contains("closed by the peer: 1001 test closes them");
    assertThat(err.toString()).isEqualTo("FAILED: " + outcome.verdict() + "\n");
  }

  @Test
  void stoppedWhileDiallingItSaysSoAndClosesWhatItOpened() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    JettyCheck check = new JettyCheck(slowDials(3), writer(out), writer(err));
    CompletableFuture<CheckResult> result = CompletableFuture.supplyAsync(() -> runUnchecked(check));
    await().atMost(Duration.ofSeconds(5)).until(() -> check.counts().established() == 1);

    check.stop();

    CheckResult outcome = result.get(10, TimeUnit.SECONDS);
    assertThat(outcome.passed()).isFalse();
    assertThat(outcome.verdict()).isEqualTo("interrupted with 1 of 3 connections established");
    assertThat(outcome.counts().notInitiated()).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("FAILED: interrupted with 1 of 3 connections established\n");
    await().atMost(Duration.ofSeconds(5)).until(() -> echo.server().openConnections() == 0);
  }

  @Test
  void loadModeReportsRateAndLatency() {
    CliRun run = CliRun.of(new CheckCommand(), "-c", "4", "-s", "0", "--load", "1", "--message-size", "32", echo.url());

    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .containsPattern("Load: 4 connections, 32-byte messages for [0-9.]+ s: [1-9][0-9]* echoes, [1-9][0-9]* msgs/s,"
            + " latency p50/p99/p99.9/max = [0-9.]+ms/[0-9.]+ms/[0-9.]+ms/[0-9.]+ms")
        .endsWith("OK: all 4 connections established, load run completed\n");
  }

  @Test
  void sourceAddressesSpreadTheDials() {
    CliRun run = CliRun.of(new CheckCommand(), "-c", "6", "-s", "0", "-v", "--source-addresses", "3", "--echo", echo.url());

    assertThat(run.exitCode()).isZero();
    for (String source : List.of("/127.0.0.1:", "/127.0.0.2:", "/127.0.0.3:")) {
      assertThat(run.err().lines().filter(line -> line.contains(" established in ") && line.contains(source)))
          .as("connections from %s", source)
          .hasSize(2);
    }
  }

  private CheckOptions options(int connections, Duration hold) {
    return new CheckOptions(URI.create(echo.url()), connections, Duration.ZERO, Duration.ofSeconds(5), Duration.ofSeconds(1),
        hold, false, Duration.ZERO, 32, List.of(), false);
  }

  /** {@code connections} dials 30 s apart: a stop comes while the first is established and the rest wait. */
  private CheckOptions slowDials(int connections) {
    return new CheckOptions(URI.create(echo.url()), connections, Duration.ofSeconds(30), Duration.ofSeconds(5),
        Duration.ofSeconds(1), Duration.ZERO, false, Duration.ZERO, 32, List.of(), false);
  }

  private static PrintWriter writer(StringWriter target) {
    return new PrintWriter(target, true);
  }

  private static CheckResult runUnchecked(JettyCheck check) {
    try {
      return check.run();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
