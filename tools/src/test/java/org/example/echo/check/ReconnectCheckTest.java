package org.example.echo.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.example.echo.core.RoleStatus;
import org.example.echo.ws.EchoServer;
import org.example.echo.ws.LoopbackSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code check --reconnect} against the real echo server in-process, stopped and started again on its port. */
class ReconnectCheckTest {
  private static final Pattern RECOVERY = Pattern.compile(
      "RECOVERY n=200 dropped=(\\d+) p50_ms=(\\d+) p99_ms=(\\d+) p100_ms=(\\d+) attempts=(\\d+) failed=(\\d+) echoing=200 client_cpu_ms=\\d+");
  private static final Pattern NONE_ECHOING_AFTER_THE_DROP = Pattern.compile("First drop at .*\\nEchoing: 0 of ", Pattern.DOTALL);

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private EchoServer server;
  private ReconnectCheck stopper;

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.stop();
    }
  }

  private static EchoServer serving(int port) throws Exception {
    EchoServer started = new EchoServer(new LoopbackSettings().port(port).build(), () -> RoleStatus.standalone(Instant.now()));
    started.start();
    started.gate().open();
    return started;
  }

  /** A reconnect check with a short back-off and a status line every 100 ms; -v: every failure on stderr. */
  private CompletableFuture<CheckResult> start(int connections, int port, Duration duration) {
    CheckOptions options = new CheckOptions(URI.create("ws://127.0.0.1:" + port + "/"), connections, Duration.ZERO,
        Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ZERO, true, Duration.ZERO, 32, List.of(), true);
    ReconnectCheck check = new ReconnectCheck(options, new ReconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200)),
        duration, new PrintWriter(out, true), new PrintWriter(err, true));
    CompletableFuture<CheckResult> result = CompletableFuture.supplyAsync(() -> {
      try {
        return check.run();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    stopper = check;
    return result;
  }

  @Test
  void aServerStoppedAndStartedAgainOnItsPortGetsEveryConnectionBackAndTheReportSaysHowFast() throws Exception {
    server = serving(0);
    int port = server.port();
    CompletableFuture<CheckResult> result = start(200, port, Duration.ofSeconds(30));
    await().atMost(Duration.ofSeconds(15)).until(() -> out.toString().contains("Holding 200 echoing connections"));

    // Like a leader that stops serving: every client gets 1001, redials get 503 until the port closes, and
    // "Connection refused" after that (-v prints each failure), until the server is back on the same port.
    server.shutdown(Duration.ofSeconds(1));
    await().atMost(Duration.ofSeconds(10)).until(() -> NONE_ECHOING_AFTER_THE_DROP.matcher(out.toString()).find());
    await().atMost(Duration.ofSeconds(10)).until(() -> err.toString().contains("Connection refused"));
    server = serving(port);

    CheckResult outcome = result.get(30, TimeUnit.SECONDS);
    String report = out.toString();
    assertThat(outcome.passed()).as(report + err).isTrue();
    assertThat(outcome.verdict()).matches("all 200 connections echo again [0-9.]+ s after the first drop");
    assertThat(report)
        .containsPattern("First drop at \\+[0-9.]+ s after the first dial: connection \\d+: ")
        .containsPattern("Dropped: \\d+ echoing connections, the last [0-9.]+ s after the first; fewest echoing 0,")
        .containsPattern("Echoing again after the first drop: 50 % after [0-9.]+ s, 99 % after [0-9.]+ s, 100 % after")
        .containsPattern("Reconnect attempts: \\d+ \\([0-9.]+ per drop\\), \\d+ failed: .*Connection refused");
    Matcher recovery = RECOVERY.matcher(report);
    assertThat(recovery.find()).as(report).isTrue();
    long dropped = Long.parseLong(recovery.group(1));
    long p50 = Long.parseLong(recovery.group(2));
    long p99 = Long.parseLong(recovery.group(3));
    long p100 = Long.parseLong(recovery.group(4));
    long attempts = Long.parseLong(recovery.group(5));
    long failed = Long.parseLong(recovery.group(6));
    assertThat(dropped).isGreaterThanOrEqualTo(200);
    assertThat(p50).isPositive().isLessThanOrEqualTo(p99);
    assertThat(p99).isLessThanOrEqualTo(p100);
    // Every drop was made good by one successful attempt; all other attempts failed (refused while down).
    assertThat(failed).isPositive();
    assertThat(attempts).isEqualTo(failed + dropped);
    await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == 0);
  }

  @Test
  void withoutADropItEndsAtTheDurationAndPasses() throws Exception {
    server = serving(0);
    String url = "ws://127.0.0.1:" + server.port() + "/";
    CliRun run = CliRun.of(new CheckCommand(), "--reconnect", "-c", "5", "--duration", "1s", "-i", "1", url);

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .startsWith("Reconnect check: 5 connections to " + url + " (NIO client), back-off 100ms doubling to 1s"
            + " (equal jitter), for at most 1s\n")
        .contains("Holding 5 echoing connections")
        .contains("Fill: all 5 echoing")
        .doesNotContain("RECOVERY")
        .endsWith("OK: all 5 connections echoed and none dropped within --duration 1s: nothing to recover from\n");
  }

  @Test
  void aClosedPortFailsTheFillWithTheRefusal() {
    String closed = "ws://127.0.0.1:" + ClosedPort.find() + "/";

    CliRun run = CliRun.of(new CheckCommand(), "--reconnect", "-c", "3", "--duration", "500ms", closed);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("Fill: the connections never all echoed at once");
    assertThat(run.err())
        .startsWith("FAILED: only 0 of 3 connections echoed within --duration 500ms; first failure: connection 0:")
        .contains("Connection refused")
        .hasLineCount(1);
  }

  @Test
  void aServerThatDoesNotComeBackFailsWithWhatIsLeft() throws Exception {
    server = serving(0);
    CompletableFuture<CheckResult> result = start(20, server.port(), Duration.ofSeconds(3));
    await().atMost(Duration.ofSeconds(15)).until(() -> out.toString().contains("Holding 20 echoing connections"));

    server.shutdown(Duration.ofSeconds(1));

    CheckResult outcome = result.get(30, TimeUnit.SECONDS);
    assertThat(outcome.passed()).as(out.toString()).isFalse();
    assertThat(outcome.verdict()).startsWith("0 of 20 connections echo again at the end of --duration 3s; first failure:");
    assertThat(out.toString()).contains("100 % not within the run").contains("p100_ms=-");
  }

  @Test
  void stoppedItSaysSo() throws Exception {
    server = serving(0);
    CompletableFuture<CheckResult> result = start(5, server.port(), Duration.ofSeconds(30));
    await().atMost(Duration.ofSeconds(15)).until(() -> out.toString().contains("Holding 5 echoing connections"));

    stopper.stop();

    CheckResult outcome = result.get(10, TimeUnit.SECONDS);
    assertThat(outcome.verdict()).isEqualTo("interrupted with 5 of 5 connections echoing");
    assertThat(err.toString()).endsWith("FAILED: interrupted with 5 of 5 connections echoing\n");
    await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == 0);
  }
}
