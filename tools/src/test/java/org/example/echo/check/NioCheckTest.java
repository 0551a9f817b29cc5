package org.example.echo.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.example.echo.testing.ServingEchoServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code check --client nio} against the real echo server, in-process on a free port. */
class NioCheckTest {
  private static final Pattern LOAD =
      Pattern.compile("Load: 4 connections, 32-byte messages for ([0-9.]+) s: ([0-9]+) echoes, ([0-9]+) msgs/s,");

  @RegisterExtension final ServingEchoServer echo = new ServingEchoServer();

  @Test
  void establishesAndEchoesOnEveryConnectionThenClosesThem() {
    CliRun run = CliRun.of(new CheckCommand(), "--client", "nio", "-c", "300", "-s", "0", "--echo", echo.url());

    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains("Total: 300, Dialing: 0, Established: 300, Closed: 0, Error: 0, NotInitiated: 0")
        .containsPattern("Echo round trip stats for 300 echoed connections min/avg/max/dev = [0-9.]+ms/")
        .containsPattern("Connect \\+ first echo rate: 300 connections in [0-9.]+ s = [0-9]+ connections/s")
        .endsWith("OK: all 300 connections established and echoed\n");
    await().atMost(Duration.ofSeconds(5)).until(() -> echo.server().openConnections() == 0);
  }

  @Test
  void loadCountsEveryEchoOnce() {
    CliRun run = CliRun.of(new CheckCommand(), "--client", "nio", "-c", "4", "-s", "0", "--load", "1", echo.url());

    assertThat(run.exitCode()).as(run.err()).isZero();
    Matcher load = LOAD.matcher(run.out());
    assertThat(load.find()).as(run.out()).isTrue();
    double seconds = Double.parseDouble(load.group(1));
    long echoes = Long.parseLong(load.group(2));
    long rate = Long.parseLong(load.group(3));
    assertThat(echoes).isGreaterThan(4);
    assertThat(seconds).isBetween(1.0, 2.0);
    // msgs/s is the echo count over the run's length (the printed length is rounded to 0.1 s).
    assertThat((double) rate).isCloseTo(echoes / seconds, org.assertj.core.data.Percentage.withPercentage(10));
    assertThat(run.out()).endsWith("OK: all 4 connections established, load run completed\n");
  }

  @Test
  void warmupRunsUnmeasuredRoundsFirst() {
    CliRun run =
        CliRun.of(new CheckCommand(), "--client", "nio", "-c", "20", "-s", "0", "--echo", "--warmup", "1", echo.url());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .containsPattern("Warm-up: [1-9][0-9]* rounds of 20 connections in [0-9.]+ s \\(not measured\\)")
        .contains("Echo round trip stats for 20 echoed connections");
  }

  @Test
  void warmupWithLoadRunsLoadRoundsToo() {
    CliRun run = CliRun.of(new CheckCommand(), "--client", "nio", "-c", "4", "-s", "0", "--load", "1", "--warmup", "1",
        echo.url());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .containsPattern("Warm-up: [1-9][0-9]* rounds of 4 connections with load in [0-9.]+ s \\(not measured\\)")
        .endsWith("OK: all 4 connections established, load run completed\n");
  }

  @Test
  void stoppedWhileDiallingItSaysSoAndClosesWhatItOpened() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CheckOptions slowDials = new CheckOptions(URI.create(echo.url()), 3, Duration.ofSeconds(30), Duration.ofSeconds(5),
        Duration.ofSeconds(1), Duration.ZERO, false, Duration.ZERO, 32, List.of(), false);
    NioCheck check = new NioCheck(slowDials, Duration.ZERO, new PrintWriter(out, true), new PrintWriter(err, true));
    CompletableFuture<CheckResult> result = CompletableFuture.supplyAsync(() -> {
      try {
        return check.run();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    // The status line comes every second; the second dial only after 30.
    await().atMost(Duration.ofSeconds(5)).until(() -> out.toString().contains("Established: 1,"));

    check.stop();

    CheckResult outcome = result.get(10, TimeUnit.SECONDS);
    assertThat(outcome.verdict()).isEqualTo("interrupted with 1 of 3 connections established");
    assertThat(err.toString()).isEqualTo("FAILED: interrupted with 1 of 3 connections established\n");
    await().atMost(Duration.ofSeconds(5)).until(() -> echo.server().openConnections() == 0);
  }

  @Test
  void itRefusesToHoldConnections() {
    CheckOptions hold = new CheckOptions(URI.create(echo.url()), 1, Duration.ZERO, Duration.ofSeconds(5),
        Duration.ofSeconds(1), Duration.ofSeconds(1), false, Duration.ZERO, 32, List.of(), false);

    assertThatThrownBy(() -> new NioCheck(hold, Duration.ZERO, new PrintWriter(new StringWriter()),
            new PrintWriter(new StringWriter())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the NIO client does not hold connections");
  }

  @Test
  void upgradeRejectedByAStandbyFails() {
    echo.server().gate().close(1001, "standby");

    CliRun run = CliRun.of(new CheckCommand(), "--client", "nio", "-c", "2", "-s", "0", "--load", "1", echo.url());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith("FAILED: 0 of 2 connections established, 2 failed; first failure: connection 0:"
        + " upgrade rejected: HTTP/1.1 503");
  }

  @Test
  void closedPortFailsWithTheRefusal() {
    String closed = "ws://127.0.0.1:" + ClosedPort.find() + "/";

    CliRun run = CliRun.of(new CheckCommand(), "--client", "nio", "-c", "3", "-s", "0", "--echo", closed);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .startsWith("FAILED: 0 of 3 connections established, 3 failed; first failure: connection 0:")
        .contains("Connection refused")
        .hasLineCount(1);
  }

  @Test
  void sourceAddressesAreUsedForTheDials() {
    CliRun run =
        CliRun.of(new CheckCommand(), "--client", "nio", "-c", "4", "-s", "0", "--source-addresses", "2", "--echo", echo.url());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).endsWith("OK: all 4 connections established and echoed\n");
  }

  @Test
  void unknownHostFailsWithAClearReason() {
    CliRun run = CliRun.of(new CheckCommand(), "--client", "nio", "-c", "2", "-s", "0", "ws://no-such-host.invalid:1/");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .isEqualTo("FAILED: 0 of 2 connections established, 2 failed; first failure: connection 0: cannot resolve host"
            + " no-such-host.invalid\n");
  }

  @Test
  void optionsTheNioClientCannotHonourAreRefusedUpfront() {
    assertThat(CliRun.of(new CheckCommand(), "--client", "nio", "wss://127.0.0.1:1/"))
        .satisfies(run -> assertThat(run.exitCode()).isEqualTo(2))
        .satisfies(run -> assertThat(run.err()).contains("nio speaks ws:// only"));
    assertThat(CliRun.of(new CheckCommand(), "--client", "nio", "--hold", "1", echo.url()))
        .satisfies(run -> assertThat(run.exitCode()).isEqualTo(2))
        .satisfies(run -> assertThat(run.err()).contains("nio does not hold connections"));
  }
}
