package org.example.echo.check;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Histogram;

/**
 * {@code check} on Jetty's WebSocketClient (the default client, every feature). Opens N WebSocket connections
 * to one endpoint, tcpgoon style: dial them one after another, print a status
 * line every interval, optionally verify an echo on each, hold them all open (and echo again), run a closed-loop
 * load, then print statistics and a verdict. Reusable in-process: {@link #run()} returns the result.
 */
public final class JettyCheck implements Check {
  /** How often waits look at the stop signal; short enough that Ctrl-C feels immediate. */
  private static final Duration POLL = Duration.ofMillis(50);
  /** Quiet time after which no more closures are expected to follow the first one. */
  private static final Duration CLOSURES_SETTLE = Duration.ofMillis(250);
  /** Time given to the peers to answer our close frames before the clients are stopped. */
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

  private final CheckOptions options;
  private final PrintWriter out;
  private final PrintWriter err;
  private final StopSignal stop = new StopSignal();
  private final List<JettyCheckConnection> connections;
  private final AtomicLongArray firstEchoNanos;
  private final AtomicInteger echoFailures = new AtomicInteger();
  /** When the last connection became ready (established, and echoed with --echo); for the connect rate. */
  private final AtomicLong lastReadyNanos = new AtomicLong();
  /** Completes when the first established connection is closed by the peer: the hold ends there. */
  private final CompletableFuture<Void> firstClose = new CompletableFuture<>();
  private volatile boolean held;
  private volatile String loadReport = "";

  public JettyCheck(CheckOptions options, PrintWriter out, PrintWriter err) {
    this.options = options;
    this.out = out;
    this.err = err;
    JettyCheckConnection.Observer observer =
        new JettyCheckConnection.Observer() {
          @Override
          public void detail(String line) {
            JettyCheck.this.detail(line);
          }

          @Override
          public void closedByPeer(JettyCheckConnection connection) {
            firstClose.complete(null);
          }
        };
    List<JettyCheckConnection> all = new ArrayList<>(options.connections());
    for (int i = 0; i < options.connections(); i++) {
      all.add(new JettyCheckConnection(i, observer));
    }
    this.connections = List.copyOf(all);
    this.firstEchoNanos = new AtomicLongArray(options.connections());
    for (int i = 0; i < options.connections(); i++) {
      firstEchoNanos.set(i, -1);
    }
  }

  /** Ends the check early (Ctrl-C): waits end, the summary is printed and every connection closed. */
  @Override
  public void stop() {
    stop.stop();
  }

  public StatusCounts counts() {
    return StatusCounts.of(connections.stream().map(JettyCheckConnection::state).toList());
  }

  @Override
  public CheckResult run() throws Exception {
    try (ClientPool clients =
        ClientPool.start(options.connections(), options.dialTimeout(), options.sourceAddresses())) {
      ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(daemon("ws-check-status"));
      long start = System.nanoTime();
      try {
        ScheduledFuture<?> unused =
            ticker.scheduleAtFixedRate(
                () -> out.println(counts().format()), 0, options.interval().toMillis(), TimeUnit.MILLISECONDS);
        List<CompletableFuture<Void>> readies = dialAll(clients);
        // Every dial and first echo ends by its own timeout; the margin covers the timers' latency.
        awaitOrStop(
            CompletableFuture.allOf(readies.toArray(CompletableFuture[]::new)),
            options.dialTimeout().multipliedBy(2).plusSeconds(1));
        if (allGood()) {
          hold();
        }
        if (allGood() && !options.load().isZero()) {
          load();
        }
      } finally {
        ticker.shutdownNow();
        ticker.awaitTermination(1, TimeUnit.SECONDS);
      }
      CheckResult result = evaluate(start);
      result.printSummary(out, err, options.uri().toString(), options.echo(), loadReport);
      closeAll();
      return result;
    }
  }

  private List<CompletableFuture<Void>> dialAll(ClientPool clients) throws InterruptedException {
    List<CompletableFuture<Void>> readies = new ArrayList<>(connections.size());
    // Dials wait here, not in the HTTP client's queue: the dial timeout then measures the dial alone, and the
    // client's pool (scanned on every request) stays small.
    Semaphore inFlight = new Semaphore(ClientPool.HANDSHAKES_IN_FLIGHT);
    for (JettyCheckConnection connection : connections) {
      while (!inFlight.tryAcquire(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
        if (stop.isStopped()) {
          return readies;
        }
      }
      if (stop.isStopped()) {
        return readies;
      }
      CompletableFuture<Void> dialed =
          connection.dial(clients.client(connection.id()), options.uri(), options.dialTimeout());
      CompletableFuture<?> unused = dialed.whenComplete((ignored, failure) -> inFlight.release());
      readies.add(dialed.thenCompose(ignored -> firstEcho(connection)));
      if (!options.sleep().isZero() && stop.await(options.sleep())) {
        break;
      }
    }
    return readies;
  }

  /** Right after the handshake (in Jetty's callback), so connect + first echo is measured as one step. */
  private CompletableFuture<Void> firstEcho(JettyCheckConnection connection) {
    if (connection.state() != ConnectionState.ESTABLISHED) {
      return CompletableFuture.completedFuture(null);
    }
    if (!options.echo()) {
      lastReadyNanos.accumulateAndGet(connection.establishedAtNanos(), Math::max);
      return CompletableFuture.completedFuture(null);
    }
    return connection
        .echo("check " + connection.id())
        .orTimeout(options.dialTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .handle(
            (rtt, failure) -> {
              if (failure == null) {
                firstEchoNanos.set(connection.id(), rtt);
                lastReadyNanos.accumulateAndGet(System.nanoTime(), Math::max);
              } else {
                echoFailures.incrementAndGet();
                connection.echoFailed(why(failure));
              }
              return null;
            });
  }

  private boolean allGood() {
    StatusCounts counts = counts();
    return !stop.isStopped() && counts.established() == counts.total() && echoFailures.get() == 0;
  }

  private void hold() throws InterruptedException {
    if (options.hold().isZero()) {
      return;
    }
    out.println("Holding " + connections.size() + " connections for " + options.hold().toSeconds() + " s");
    // A closure already decides the verdict, so the hold ends there rather than making the user wait.
    long deadline = System.nanoTime() + options.hold().toNanos();
    awaitOrStop(firstClose, options.hold());
    if (firstClose.isDone()) {
      awaitClosuresSettle(deadline);
    }
    if (stop.isStopped() || firstClose.isDone()) {
      return;
    }
    held = true;
    if (options.echo()) {
      // Held connections must still work, not merely look open.
      List<CompletableFuture<Void>> echoes = new ArrayList<>();
      for (JettyCheckConnection connection : connections) {
        echoes.add(
            connection
                .echo("check " + connection.id() + " after hold")
                .orTimeout(options.dialTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .handle(
                    (rtt, failure) -> {
                      if (failure != null) {
                        echoFailures.incrementAndGet();
                        connection.echoFailed(
                            "after the hold: " + why(failure));
                      }
                      return null;
                    }));
      }
      awaitOrStop(
          CompletableFuture.allOf(echoes.toArray(CompletableFuture[]::new)), options.dialTimeout().plusSeconds(1));
    }
  }

  /** A server dropping connections drops several at once; count them all before summing up. */
  private void awaitClosuresSettle(long deadline) {
    int closed = counts().closed();
    while (System.nanoTime() < deadline && !stop.await(CLOSURES_SETTLE)) {
      int now = counts().closed();
      if (now == closed) {
        return;
      }
      closed = now;
    }
  }

  /** Closed loop: each connection sends the next message as soon as the previous one came back. */
  private void load() throws InterruptedException {
    String payload = "x".repeat(options.messageSize());
    Histogram histogram = LoadReport.concurrentHistogram();
    long start = System.nanoTime();
    long deadline = start + options.load().toNanos();
    List<CompletableFuture<Void>> loops = new ArrayList<>();
    for (JettyCheckConnection connection : connections) {
      CompletableFuture<Void> done = new CompletableFuture<>();
      loadStep(connection, payload, deadline, histogram, done);
      loops.add(done);
    }
    awaitOrStop(
        CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)), options.load().plus(options.dialTimeout()));
    loadReport =
        LoadReport.format(connections.size(), options.messageSize(), System.nanoTime() - start, histogram);
    long stalled = loops.stream().filter(loop -> !loop.isDone()).count();
    if (stalled > 0) {
      echoFailures.addAndGet((int) stalled);
      connections.forEach(c -> c.echoFailed("load: no echo within " + options.dialTimeout().toMillis() + " ms"));
    }
  }

  private void loadStep(
      JettyCheckConnection connection, String payload, long deadline, Histogram histogram, CompletableFuture<Void> done) {
    CompletableFuture<?> unused =
        connection
            .echo(payload)
            .whenComplete(
                (rtt, failure) -> {
                  if (failure != null) {
                    echoFailures.incrementAndGet();
                    connection.echoFailed("load: " + why(failure));
                    done.complete(null);
                    return;
                  }
                  histogram.recordValue(rtt);
                  if (System.nanoTime() < deadline && !stop.isStopped()) {
                    loadStep(connection, payload, deadline, histogram, done);
                  } else {
                    done.complete(null);
                  }
                });
  }

  /** Waits for the future, the stop signal or the timeout, whichever comes first. */
  private void awaitOrStop(CompletableFuture<?> future, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!stop.isStopped() && !future.isDone()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return;
      }
      try {
        future.get(Math.min(left, POLL.toNanos()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        // poll the stop signal again
      } catch (ExecutionException e) {
        return;
      }
    }
  }

  private CheckResult evaluate(long startNanos) {
    StatusCounts counts = counts();
    LatencyStats handshakes = LatencyStats.ofMeasured(connections.stream().mapToLong(JettyCheckConnection::handshakeNanos).toArray());
    long[] echoes = new long[firstEchoNanos.length()];
    for (int i = 0; i < echoes.length; i++) {
      echoes[i] = firstEchoNanos.get(i);
    }
    LatencyStats echoStats = LatencyStats.ofMeasured(echoes);
    String rate = CheckResult.connectRate(
        options.echo(), connections.size() - counts().error(), startNanos, lastReadyNanos.get());
    Optional<CheckResult> failed = CheckResult.connectFailure(
        counts, handshakes, echoStats, rate, stop.isStopped(), () -> firstProblem(ConnectionState.ERROR));
    if (failed.isPresent()) {
      return failed.get();
    }
    int n = counts.total();
    if (counts.closed() > 0) {
      return new CheckResult(counts, handshakes, echoStats, rate, false,
          counts.closed() + " of " + n + " connections were closed before the check ended"
              + (held ? " (after the hold)" : "") + "; first: " + firstProblem(ConnectionState.CLOSED));
    }
    if (echoFailures.get() > 0) {
      return new CheckResult(counts, handshakes, echoStats, rate, false,
          echoFailures.get() + " echoes failed; first: " + firstProblem(ConnectionState.ESTABLISHED));
    }
    StringBuilder verdict = new StringBuilder("all " + n + " connections established");
    if (options.echo()) {
      verdict.append(" and echoed");
    }
    if (!options.hold().isZero()) {
      verdict.append(", held for ").append(options.hold().toSeconds()).append(" s");
      if (options.echo()) {
        verdict.append(" and echoed again");
      }
    }
    if (!options.load().isZero()) {
      verdict.append(", load run completed");
    }
    return new CheckResult(counts, handshakes, echoStats, rate, true, verdict.toString());
  }

  /** One line for a failed dial or echo; a timeout is named with the dial timeout. */
  private String why(Throwable failure) {
    return Failures.describe(Failures.unwrap(failure), options.dialTimeout());
  }

  /** The problem of the lowest-numbered connection in that state: dial order, so usually the first to fail. */
  private String firstProblem(ConnectionState state) {
    return connections.stream()
        .filter(c -> c.state() == state && !c.problem().isEmpty())
        .map(c -> "connection " + c.id() + ": " + c.problem())
        .findFirst()
        .orElse("unknown");
  }

  private void closeAll() throws InterruptedException {
    CompletableFuture<?>[] closes = connections.stream().map(JettyCheckConnection::close).toArray(CompletableFuture[]::new);
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
}
