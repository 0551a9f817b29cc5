package org.example.echo.check;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * A lean WebSocket load generator on plain java.nio: one selector, driven by the calling thread, no thread per
 * connection and no allocation per echo (one pre-encoded frame, one shared direct read buffer). It exists because
 * Jetty's WebSocketClient costs as much CPU per echo as the server it measures; on shared cores that halves what
 * a benchmark can show. ws:// only; everything runs on the thread that calls {@link #dialAll()} and
 * {@link #runLoad}; only the counters may be read from other threads.
 */
final class NioEchoClient implements NioConnection.Driver, AutoCloseable {

  /** Dials kept in flight at once; enough to hide the loopback round trips, few enough not to flood accept. */
  static final int DIALS_IN_FLIGHT = 128;
  private static final long SELECT_MILLIS = 10;
  private static final long TIMEOUT_SCAN_NANOS = Duration.ofMillis(50).toNanos();

  /** How a dial phase or a load run ended. */
  record LoadOutcome(long elapsedNanos, int stalled) {}

  private final URI uri;
  private final InetSocketAddress address;
  private final List<InetAddress> sources;
  private final boolean echoOnOpen;
  private final long timeoutNanos;
  private final long sleepNanos;
  private final StopSignal stop;
  private final Consumer<String> detail;
  private final boolean verbose;
  private final Selector selector;
  private final ByteBuffer in = ByteBuffer.allocateDirect(4 * NioConnection.MAX_INPUT);
  private final Consumer<SelectionKey> onSelected = this::onSelected;
  private final NioConnection[] connections;
  private final boolean[] inFlight;
  private final boolean[] looping;
  private final long[] firstEchoNanos;
  private int dialsInFlight;
  private int loopsActive;
  private long loadDeadline;
  private long lastLoopEnd;
  private Histogram histogram = LoadReport.singleWriterHistogram();
  private long lastTimeoutScan;
  // Written by the selector thread only (per connection, not per echo), read by the status line.
  private final AtomicInteger dialed = new AtomicInteger();
  private final AtomicInteger established = new AtomicInteger();
  private final AtomicInteger closed = new AtomicInteger();
  private final AtomicInteger errors = new AtomicInteger();
  private volatile long lastReadyNanos;

  NioEchoClient(CheckOptions options, StopSignal stop, Consumer<String> detail) throws IOException {
    this.uri = options.uri();
    int port = uri.getPort() < 0 ? 80 : uri.getPort();
    // Resolved once; an unknown host fails every dial with a clear reason (see dial) rather than an exception.
    this.address = new InetSocketAddress(uri.getHost(), port);
    this.sources = options.sourceAddresses();
    this.echoOnOpen = options.echo();
    this.timeoutNanos = options.dialTimeout().toNanos();
    this.sleepNanos = options.sleep().toNanos();
    this.stop = stop;
    this.detail = detail;
    this.verbose = options.verbose();
    this.selector = Selector.open();
    byte[] payload = "x".repeat(options.messageSize()).getBytes(StandardCharsets.UTF_8);
    byte[] encoded = WebSocketWire.maskedFrame(WebSocketWire.OP_TEXT, payload);
    ByteBuffer frame = ByteBuffer.allocateDirect(encoded.length);
    frame.put(encoded).flip();
    int n = options.connections();
    this.connections = new NioConnection[n];
    for (int i = 0; i < n; i++) {
      connections[i] = new NioConnection(i, this, frame.asReadOnlyBuffer(), payload);
    }
    this.inFlight = new boolean[n];
    this.looping = new boolean[n];
    this.firstEchoNanos = new long[n];
    java.util.Arrays.fill(firstEchoNanos, -1);
  }

  /** Connection states now, for the status line; safe from any thread. */
  StatusCounts counts() {
    int total = connections.length;
    int dialedNow = dialed.get();
    int establishedNow = established.get();
    int closedNow = closed.get();
    int errorsNow = errors.get();
    int dialing = Math.max(0, dialedNow - establishedNow - closedNow - errorsNow);
    return new StatusCounts(total, dialing, establishedNow, closedNow, errorsNow, total - dialedNow);
  }

  long lastReadyNanos() {
    return lastReadyNanos;
  }

  long[] handshakeNanos() {
    long[] nanos = new long[connections.length];
    for (int i = 0; i < nanos.length; i++) {
      nanos[i] = connections[i].handshakeNanos();
    }
    return nanos;
  }

  long[] firstEchoNanos() {
    return firstEchoNanos.clone();
  }

  /** The problem of the lowest-numbered connection that has one. */
  String firstProblem() {
    for (NioConnection connection : connections) {
      if (!connection.problem().isEmpty()) {
        return connection + "";
      }
    }
    return "unknown";
  }

  /**
   * Dials every connection (at most {@link #DIALS_IN_FLIGHT} at once), each followed by one echo with --echo.
   * Returns when all are ready or failed, or on stop.
   */
  void dialAll() throws IOException {
    int next = 0;
    long nextDialAt = System.nanoTime();
    while (!stop.isStopped() && (next < connections.length || dialsInFlight > 0)) {
      long now = System.nanoTime();
      while (next < connections.length && dialsInFlight < DIALS_IN_FLIGHT && now - nextDialAt >= 0) {
        dial(connections[next++]);
        nextDialAt = now + sleepNanos;
      }
      pollOnce();
    }
  }

  private void dial(NioConnection connection) {
    dialed.incrementAndGet();
    inFlight[connection.id] = true;
    dialsInFlight++;
    if (address.isUnresolved()) {
      connection.fail("cannot resolve host " + uri.getHost());
      return;
    }
    try {
      connection.open(selector, address, sources.isEmpty() ? null : sources.get(connection.id % sources.size()), uri);
    } catch (IOException e) {
      connection.fail(Failures.describe(e));
    }
  }

  /**
   * Closed loop: every open connection sends the next echo as soon as the previous one is back, until {@code
   * duration} has passed; each round trip goes into the returned histogram.
   */
  LoadOutcome runLoad(Duration duration, Histogram latencies) throws IOException {
    histogram = latencies;
    long start = System.nanoTime();
    loadDeadline = start + duration.toNanos();
    lastLoopEnd = start;
    for (NioConnection connection : connections) {
      if (connection.phase() == NioConnection.ProtocolPhase.OPEN) {
        looping[connection.id] = true;
        loopsActive++;
        send(connection);
      }
    }
    long giveUp = loadDeadline + timeoutNanos;
    while (loopsActive > 0 && !stop.isStopped() && System.nanoTime() - giveUp < 0) {
      pollOnce();
    }
    int stalled = loopsActive;
    return new LoadOutcome((stalled > 0 ? System.nanoTime() : lastLoopEnd) - start, stalled);
  }

  private void pollOnce() throws IOException {
    selector.select(onSelected, SELECT_MILLIS);
    long now = System.nanoTime();
    if (now - lastTimeoutScan > TIMEOUT_SCAN_NANOS) {
      lastTimeoutScan = now;
      expire(now);
    }
  }

  private void onSelected(SelectionKey key) {
    ((NioConnection) key.attachment()).onReady(in);
  }

  private void expire(long now) {
    for (NioConnection connection : connections) {
      NioConnection.ProtocolPhase phase = connection.phase();
      boolean waiting =
          phase == NioConnection.ProtocolPhase.CONNECTING
              || phase == NioConnection.ProtocolPhase.UPGRADING
              || (phase == NioConnection.ProtocolPhase.OPEN && connection.awaitingEcho());
      if (waiting && now - connection.waitingSinceNanos() > timeoutNanos) {
        connection.fail("no answer within " + Duration.ofNanos(timeoutNanos).toMillis() + " ms");
      }
    }
  }

  private void send(NioConnection connection) {
    try {
      connection.sendEcho();
    } catch (IOException e) {
      connection.fail(Failures.describe(e));
    }
  }

  @Override
  public void established(NioConnection connection) {
    established.incrementAndGet();
    if (verbose) {
      detail.accept("connection " + connection.id + " established in " + connection.handshakeNanos() / 1_000 + " µs");
    }
    if (echoOnOpen) {
      send(connection);
    } else {
      ready(connection);
    }
  }

  @Override
  public void echoed(NioConnection connection, long nanos) {
    int id = connection.id;
    if (looping[id]) {
      histogram.recordValue(nanos);
      long now = System.nanoTime();
      if (now - loadDeadline < 0 && !stop.isStopped()) {
        send(connection);
      } else {
        endLoop(id, now);
      }
    } else if (inFlight[id]) {
      firstEchoNanos[id] = nanos;
      ready(connection);
    }
  }

  private void ready(NioConnection connection) {
    if (inFlight[connection.id]) {
      inFlight[connection.id] = false;
      dialsInFlight--;
      lastReadyNanos = System.nanoTime(); // single writer: a plain volatile store is enough
    }
  }

  private void endLoop(int id, long now) {
    looping[id] = false;
    loopsActive--;
    lastLoopEnd = Math.max(lastLoopEnd, now);
  }

  @Override
  public void failed(NioConnection connection, boolean wasEstablished) {
    int id = connection.id;
    if (wasEstablished) {
      established.decrementAndGet();
      closed.incrementAndGet();
    } else {
      errors.incrementAndGet();
    }
    if (inFlight[id]) {
      inFlight[id] = false;
      dialsInFlight--;
    }
    if (looping[id]) {
      endLoop(id, System.nanoTime());
    }
    if (verbose) {
      detail.accept(connection.toString());
    }
  }

  /** Close handshake (1000) on every open connection; whatever has not answered within {@code grace} is cut. */
  void closeAll(Duration grace) throws IOException {
    for (NioConnection connection : connections) {
      connection.startClose();
    }
    long deadline = System.nanoTime() + grace.toNanos();
    while (System.nanoTime() - deadline < 0 && anyClosing()) {
      selector.select(onSelected, SELECT_MILLIS);
    }
    for (NioConnection connection : connections) {
      connection.end();
    }
  }

  private boolean anyClosing() {
    for (NioConnection connection : connections) {
      if (connection.closeSent() && connection.phase() != NioConnection.ProtocolPhase.ENDED) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() throws IOException {
    for (NioConnection connection : connections) {
      connection.end();
    }
    selector.close();
  }
}
