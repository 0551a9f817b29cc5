package org.example.echo.check;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * {@code check --client nio}: the connect rate and the closed-loop load of {@link JettyCheck}, with the same
 * output, driven by {@link NioEchoClient} so that the client's own CPU does not hide the server's. No hold: the
 * idle-connection figure is the Jetty client's job.
 */
public final class NioCheck implements Check {
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);
  /** Connections per warm-up round: enough for the JIT, few enough that a round takes well under a second. */
  private static final int WARMUP_CONNECTIONS = 1_000;
  private static final int MAX_WARMUP_ROUNDS = 1_000;

  private final CheckOptions options;
  private final PrintWriter out;
  private final PrintWriter err;
  private final StopSignal stop = new StopSignal();
  private final Duration warmup;

  /**
   * @param warmup how long to run the same kind of work, unmeasured, before the measured run: each check is a
   *     fresh JVM, and without it the client's own JIT compilation lands in the figures
   */
  public NioCheck(CheckOptions options, Duration warmup, PrintWriter out, PrintWriter err) {
    if (!options.hold().isZero()) {
      throw new IllegalArgumentException("the NIO client does not hold connections");
    }
    this.options = options;
    this.warmup = warmup;
    this.out = out;
    this.err = err;
  }

  @Override
  public void stop() {
    stop.stop();
  }

  @Override
  public CheckResult run() throws Exception {
    if (!warmup.isZero()) {
      warmUp();
    }
    try (NioEchoClient client = new NioEchoClient(options, stop, this::detail)) {
      ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(NioCheck::statusThread);
      long start = System.nanoTime();
      String loadReport = "";
      int stalled = 0;
      try {
        ScheduledFuture<?> unused =
            ticker.scheduleAtFixedRate(
                () -> out.println(client.counts().format()), 0, options.interval().toMillis(), TimeUnit.MILLISECONDS);
        client.dialAll();
        if (allEstablished(client) && !options.load().isZero()) {
          Histogram histogram = LoadReport.singleWriterHistogram();
          NioEchoClient.LoadOutcome outcome = client.runLoad(options.load(), histogram);
          stalled = outcome.stalled();
          loadReport = LoadReport.format(
              options.connections(), options.messageSize(), outcome.elapsedNanos(), histogram);
        }
      } finally {
        ticker.shutdownNow();
        ticker.awaitTermination(1, TimeUnit.SECONDS);
      }
      CheckResult result = evaluate(client, start, stalled);
      result.printSummary(out, err, options.uri() + " (NIO client)", options.echo(), loadReport);
      client.closeAll(CLOSE_GRACE);
      return result;
    }
  }

  /** Rounds of the same work on fewer connections, results discarded, until the warm-up time is over. */
  private void warmUp() throws Exception {
    long start = System.nanoTime();
    long end = start + warmup.toNanos();
    int connections = Math.min(options.connections(), WARMUP_CONNECTIONS);
    CheckOptions round =
        new CheckOptions(options.uri(), connections, Duration.ZERO, options.dialTimeout(), options.interval(),
            Duration.ZERO, options.echo(), options.load().isZero() ? Duration.ZERO : Duration.ofMillis(500),
            options.messageSize(), options.sourceAddresses(), false);
    int rounds = 0;
    while (rounds < MAX_WARMUP_ROUNDS && System.nanoTime() - end < 0 && !stop.isStopped()) {
      rounds++;
      try (NioEchoClient client = new NioEchoClient(round, stop, line -> {})) {
        client.dialAll();
        if (!round.load().isZero()) {
          NioEchoClient.LoadOutcome unused = client.runLoad(round.load(), LoadReport.singleWriterHistogram());
        }
        client.closeAll(CLOSE_GRACE);
      }
    }
    out.println(String.format(Locale.ROOT, "Warm-up: %d rounds of %d connections%s in %.1f s (not measured)",
        rounds, connections, round.load().isZero() ? "" : " with load", (System.nanoTime() - start) / 1e9));
  }

  private boolean allEstablished(NioEchoClient client) {
    StatusCounts counts = client.counts();
    return !stop.isStopped() && counts.established() == counts.total();
  }

  private CheckResult evaluate(NioEchoClient client, long startNanos, int stalled) {
    StatusCounts counts = client.counts();
    LatencyStats handshakes = LatencyStats.ofMeasured(client.handshakeNanos());
    LatencyStats echoes = LatencyStats.ofMeasured(client.firstEchoNanos());
    String rate = CheckResult.connectRate(
        options.echo(), counts.total() - counts.error(), startNanos, client.lastReadyNanos());
    Optional<CheckResult> failed =
        CheckResult.connectFailure(counts, handshakes, echoes, rate, stop.isStopped(), client::firstProblem);
    if (failed.isPresent()) {
      return failed.get();
    }
    int n = counts.total();
    if (counts.closed() > 0) {
      return new CheckResult(counts, handshakes, echoes, rate, false,
          counts.closed() + " of " + n + " connections were closed before the check ended; first: "
              + client.firstProblem());
    }
    if (stalled > 0) {
      return new CheckResult(counts, handshakes, echoes, rate, false,
          stalled + " connections still waited for an echo " + options.dialTimeout().toMillis()
              + " ms after the load run");
    }
    String verdict = "all " + n + " connections established" + (options.echo() ? " and echoed" : "")
        + (options.load().isZero() ? "" : ", load run completed");
    return new CheckResult(counts, handshakes, echoes, rate, true, verdict);
  }

  private void detail(String line) {
    if (options.verbose()) {
      err.println(line);
    }
  }

  private static Thread statusThread(Runnable runnable) {
    Thread thread = new Thread(runnable, "ws-check-status");
    thread.setDaemon(true);
    return thread;
  }
}
