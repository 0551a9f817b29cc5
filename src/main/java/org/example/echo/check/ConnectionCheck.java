package org.example.echo.check;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Opens N WebSocket connections to one endpoint, tcpgoon style: dial them one after another, print a status
 * line every interval, optionally verify one echo on each and hold them all open, then print statistics and a
 * verdict. Reusable in-process: {@link #run()} returns the result instead of exiting.
 */
public final class ConnectionCheck {
  /** How often waits look at the stop signal; short enough that Ctrl-C feels immediate. */
  private static final Duration POLL = Duration.ofMillis(50);
  /** Time given to the peers to answer our close frames before the clients are stopped. */
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

  private final CheckOptions options;
  private final PrintWriter out;
  private final PrintWriter err;
  private final StopSignal stop;
  private final List<CheckedConnection> connections;
  private final CountDownLatch dialsSettled;
  private final CountDownLatch echoesSettled;

  public ConnectionCheck(CheckOptions options, PrintWriter out, PrintWriter err) {
    this(options, out, err, new StopSignal());
  }

  ConnectionCheck(CheckOptions options, PrintWriter out, PrintWriter err, StopSignal stop) {
    this.options = options;
    this.out = out;
    this.err = err;
    this.stop = stop;
    this.dialsSettled = new CountDownLatch(options.connections());
    this.echoesSettled = new CountDownLatch(options.echo() ? options.connections() : 0);
    CheckedConnection.Events events = new Events();
    List<CheckedConnection> all = new ArrayList<>(options.connections());
    for (int i = 0; i < options.connections(); i++) {
      all.add(new CheckedConnection(i, options.echo(), events));
    }
    this.connections = List.copyOf(all);
  }

  /** Ends the check early (Ctrl-C): waits end, the summary is printed and every connection closed. */
  public void stop() {
    stop.stop();
  }

  public StatusCounts counts() {
    return StatusCounts.of(connections.stream().map(CheckedConnection::state).toList());
  }

  public CheckResult run() throws Exception {
    try (ClientPool clients =
        ClientPool.start(options.connections(), options.dialTimeout(), options.sourceAddresses())) {
      CheckResult result;
      ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(daemon("ws-check-status"));
      try {
        ScheduledFuture<?> unused = ticker.scheduleAtFixedRate(
            () -> out.println(counts().format()), 0, options.interval().toMillis(), TimeUnit.MILLISECONDS);
        dialAll(clients);
        // Every dial ends by its own timeout; the margin covers the timer's latency.
        awaitOrStop(dialsSettled, options.dialTimeout().plus(Duration.ofSeconds(1)));
        if (options.echo()) {
          awaitEchoes();
        }
        hold();
      } finally {
        ticker.shutdownNow();
        ticker.awaitTermination(1, TimeUnit.SECONDS);
      }
      result = evaluate();
      printSummary(result);
      closeAll();
      return result;
    }
  }

  private void dialAll(ClientPool clients) {
    for (CheckedConnection connection : connections) {
      if (stop.isStopped()) {
        return;
      }
      connection.dial(clients.client(connection.id()), options.uri(), options.dialTimeout());
      if (!options.sleep().isZero() && stop.await(options.sleep())) {
        return;
      }
    }
  }

  private void awaitEchoes() throws InterruptedException {
    if (!awaitOrStop(echoesSettled, options.dialTimeout()) && !stop.isStopped()) {
      connections.forEach(c -> c.echoTimedOut(options.dialTimeout()));
    }
  }

  private void hold() {
    StatusCounts counts = counts();
    if (options.hold().isZero() || counts.established() != counts.total() || echoFailures() > 0) {
      return;
    }
    detail("holding " + counts.established() + " connections for " + options.hold().toSeconds() + " s");
    stop.await(options.hold());
  }

  /** Waits for the latch, the stop signal or the timeout; returns whether the latch reached zero. */
  private boolean awaitOrStop(CountDownLatch latch, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!stop.isStopped()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return latch.getCount() == 0;
      }
      if (latch.await(Math.min(left, POLL.toNanos()), TimeUnit.NANOSECONDS)) {
        return true;
      }
    }
    return latch.getCount() == 0;
  }

  private CheckResult evaluate() {
    StatusCounts counts = counts();
    LatencyStats handshakes = LatencyStats.of(nanos(CheckedConnection::handshakeNanos));
    LatencyStats echoes = LatencyStats.of(nanos(CheckedConnection::echoNanos));
    int n = counts.total();
    if (stop.isStopped()) {
      return new CheckResult(counts, handshakes, echoes, false,
          "interrupted with " + counts.established() + " of " + n + " connections established");
    }
    if (counts.error() > 0 || counts.dialing() > 0) {
      return new CheckResult(counts, handshakes, echoes, false,
          (n - counts.error() - counts.dialing()) + " of " + n + " connections established, " + counts.error()
              + " failed; first failure: " + firstProblem(ConnectionState.ERROR));
    }
    if (counts.closed() > 0) {
      return new CheckResult(counts, handshakes, echoes, false,
          counts.closed() + " of " + n + " connections were closed before the check ended; first: "
              + firstProblem(ConnectionState.CLOSED));
    }
    int echoFailures = echoFailures();
    if (echoFailures > 0) {
      return new CheckResult(counts, handshakes, echoes, false,
          "echo failed on " + echoFailures + " of " + n + " connections; first: "
              + firstProblem(ConnectionState.ESTABLISHED));
    }
    String what = options.echo() ? "established and echoed" : "established";
    String held = options.hold().isZero() ? "" : ", held for " + options.hold().toSeconds() + " s";
    return new CheckResult(counts, handshakes, echoes, true, "all " + n + " connections " + what + held);
  }

  private int echoFailures() {
    if (!options.echo()) {
      return 0;
    }
    return (int) connections.stream().filter(c -> c.state() == ConnectionState.ESTABLISHED && c.echoNanos() < 0).count();
  }

  /** The problem of the lowest-numbered connection in that state: dial order, so usually the first to fail. */
  private String firstProblem(ConnectionState state) {
    return connections.stream()
        .filter(c -> c.state() == state && !c.problem().isEmpty())
        .map(c -> "connection " + c.id() + ": " + c.problem())
        .findFirst()
        .orElse("unknown");
  }

  private long[] nanos(java.util.function.ToLongFunction<CheckedConnection> measure) {
    return connections.stream().mapToLong(measure).filter(n -> n >= 0).toArray();
  }

  private void printSummary(CheckResult result) {
    out.println("--- " + options.uri() + " WebSocket check statistics ---");
    out.println(result.counts().format());
    out.println("Handshake time stats for " + result.handshakes().count() + " established connections "
        + result.handshakes().format());
    if (options.echo()) {
      out.println("Echo round trip stats for " + result.echoes().count() + " echoed connections "
          + result.echoes().format());
    }
    if (result.passed()) {
      out.println("OK: " + result.verdict());
    } else {
      err.println("FAILED: " + result.verdict());
    }
    out.flush();
  }

  private void closeAll() throws InterruptedException {
    CompletableFuture<?>[] closes = connections.stream().map(CheckedConnection::close).toArray(CompletableFuture[]::new);
    try {
      // Let the peers answer the close frames; stopping the clients afterwards cuts whatever is left.
      CompletableFuture.allOf(closes).get(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      detail("not every close handshake completed: " + e);
    }
  }

  private void detail(String line) {
    if (options.verbose()) {
      err.println(line);
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  private final class Events implements CheckedConnection.Events {
    @Override
    public void dialSettled(CheckedConnection connection) {
      dialsSettled.countDown();
    }

    @Override
    public void echoSettled(CheckedConnection connection) {
      echoesSettled.countDown();
    }

    @Override
    public void detail(String line) {
      ConnectionCheck.this.detail(line);
    }
  }
}
