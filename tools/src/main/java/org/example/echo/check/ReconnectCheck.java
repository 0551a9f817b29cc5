package org.example.echo.check;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import org.example.echo.common.DurationConverter;

/**
 * {@code check --reconnect}: holds N connections on the NIO client; when they drop (the serving instance was
 * killed), every one reconnects with jittered exponential back-off and echoes, and the check reports how long
 * after the first drop 50 %, 99 % and 100 % were echoing again and how many reconnect attempts that took. Ends
 * when all echo again after a drop, or at {@code --duration}.
 *
 * <p>The NIO client, not Jetty's: one selector thread holds 10,000 connections and redials them at the rate the
 * server allows, where Jetty's client spends as much CPU per connection as the server it measures (see
 * docs/check-and-probe.md), and in a storm the client shares the cores with the server.
 */
final class ReconnectCheck implements Check {
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

  private final CheckOptions options;
  private final ReconnectBackoff backoff;
  private final Duration duration;
  private final PrintWriter out;
  private final PrintWriter err;
  private final StopSignal stop = new StopSignal();

  ReconnectCheck(CheckOptions options, ReconnectBackoff backoff, Duration duration, PrintWriter out, PrintWriter err) {
    this.options = options;
    this.backoff = backoff;
    this.duration = duration;
    this.out = out;
    this.err = err;
  }

  @Override
  public void stop() {
    stop.stop();
  }

  @Override
  public CheckResult run() throws Exception {
    out.println("Reconnect check: " + options.connections() + " connections to " + options.uri() + " (NIO client), back-off "
        + DurationConverter.format(backoff.base()) + " doubling to " + DurationConverter.format(backoff.max())
        + " (equal jitter), for at most " + DurationConverter.format(duration));
    try (NioReconnectClient client = new NioReconnectClient(options, backoff, stop, out, this::detail)) {
      client.run(duration);
      CheckResult result = evaluate(client);
      printSummary(client, result);
      client.closeAll(CLOSE_GRACE);
      return result;
    }
  }

  private CheckResult evaluate(NioReconnectClient client) {
    Recovery recovery = client.recovery();
    int n = recovery.total();
    String verdict;
    boolean passed = false;
    if (stop.isStopped()) {
      verdict = "interrupted with " + recovery.echoing() + " of " + n + " connections echoing";
    } else if (!recovery.filled()) {
      verdict = "only " + recovery.echoing() + " of " + n + " connections echoed within --duration "
          + DurationConverter.format(duration) + "; first failure: " + client.firstFailure();
    } else if (!recovery.dropped()) {
      passed = true;
      verdict = "all " + n + " connections echoed and none dropped within --duration "
          + DurationConverter.format(duration) + ": nothing to recover from";
    } else if (recovery.recovered()) {
      passed = true;
      verdict = "all " + n + " connections echo again " + Recovery.seconds(recovery.backAfterNanos(Recovery.PERCENTS.length - 1)
          .orElseThrow()) + " after the first drop";
    } else {
      verdict = recovery.echoing() + " of " + n + " connections echo again at the end of --duration "
          + DurationConverter.format(duration) + "; first failure: " + client.firstFailure();
    }
    StatusCounts counts = new StatusCounts(n, 0, recovery.echoing(), 0, n - recovery.echoing(), 0);
    LatencyStats none = LatencyStats.of(new long[0]);
    return new CheckResult(counts, none, none, "", passed, verdict);
  }

  private void printSummary(NioReconnectClient client, CheckResult result) {
    Recovery recovery = client.recovery();
    out.println("--- " + options.uri() + " reconnect check statistics (NIO client) ---");
    out.println("Echoing at the end: " + recovery.echoing() + " of " + recovery.total() + "; dials in all: " + client.dials());
    long fill = client.fillNanos();
    out.println(fill < 0 ? "Fill: the connections never all echoed at once"
        : "Fill: all " + recovery.total() + " echoing " + Recovery.seconds(fill) + " after the first dial");
    if (recovery.dropped()) {
      out.println("Dropped: " + recovery.drops() + " echoing connections, the last " + Recovery.seconds(recovery.dropSpreadNanos())
          + " after the first; fewest echoing " + recovery.fewest() + ", " + Recovery.seconds(recovery.fewestAfterNanos())
          + " after the first drop");
      out.println("Echoing again after the first drop: " + recovery.formatBackAfter());
      Optional<String> reasons = recovery.formatFailureReasons();
      out.println("Reconnect attempts: " + recovery.attempts() + " (" + String.format(java.util.Locale.ROOT, "%.2f",
          recovery.attempts() / (double) Math.max(1, recovery.drops())) + " per drop), " + recovery.failedAttempts()
          + " failed" + reasons.map(r -> ": " + r).orElse(""));
      long cpu = client.cpuSinceFirstDropNanos();
      if (cpu >= 0) {
        out.println("Client CPU from the first drop to the end: " + Recovery.seconds(cpu) + " (this process)");
      }
      out.println(recovery.formatMachineLine() + (cpu >= 0 ? " client_cpu_ms=" + Math.round(cpu / 1e6) : ""));
    }
    if (result.passed()) {
      out.println("OK: " + result.verdict());
    } else {
      out.flush();
      err.println("FAILED: " + result.verdict());
    }
    out.flush();
    err.flush();
  }

  private void detail(String line) {
    if (options.verbose()) {
      err.println(line);
    }
  }
}
