package org.example.echo.check;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The NIO client of {@code check --reconnect}: holds N connections, each echoing once after every (re)connect and
 * every {@link #KEEPALIVE} while idle, and redials whatever drops after a {@link ReconnectBackoff} wait, as a herd
 * of independent clients would; {@link Recovery} keeps the score. Everything runs on the thread that calls
 * {@link #run}, status lines included, so nothing here is shared between threads but the stop signal.
 */
final class NioReconnectClient implements NioConnection.Driver, AutoCloseable {

  /**
   * An idle echoing connection sends an echo this often: well inside the echo service's 30 s idle timeout and
   * nginx's 120 s read timeout, so neither closes a held connection, and an unanswered one counts as a drop.
   */
  static final Duration KEEPALIVE = Duration.ofSeconds(10);
  private static final long SELECT_MILLIS = 10;
  private static final long SCAN_NANOS = Duration.ofMillis(50).toNanos();

  /** A slot's next dial and when it is due. */
  private record Retry(long dueNanos, int slot) {}

  private final URI uri;
  private final InetSocketAddress address;
  private final List<InetAddress> sources;
  private final long timeoutNanos;
  private final long sleepNanos;
  private final long intervalNanos;
  private final ReconnectBackoff backoff;
  private final StopSignal stop;
  private final PrintWriter out;
  private final Consumer<String> detail;
  private final Selector selector;
  private final ByteBuffer in = ByteBuffer.allocateDirect(4 * NioConnection.MAX_INPUT);
  private final Consumer<SelectionKey> onSelected = this::onSelected;
  private final ByteBuffer frame;
  private final byte[] payload;
  private final SplittableRandom random = new SplittableRandom();
  private final Recovery recovery;
  /** The current connection of each slot; a slot is one simulated client. */
  private final NioConnection[] current;
  private final boolean[] echoing;
  /** Failed dials of the slot since it last echoed: the back-off's attempt number. */
  private final int[] failuresInRow;
  private final long[] lastSentNanos;
  private final PriorityQueue<Retry> retries = new PriorityQueue<>(Comparator.comparingLong(Retry::dueNanos));
  private int nextFirstDial;
  /** Dials not yet echoed or failed. */
  private int dialling;
  private long dials;
  private long startNanos;
  private long filledNanos = -1;
  private String firstFailure = "";
  private long cpuAtFirstDropNanos = -1;

  NioReconnectClient(CheckOptions options, ReconnectBackoff backoff, StopSignal stop, PrintWriter out,
      Consumer<String> detail) throws IOException {
    this.uri = options.uri();
    this.address = new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 80 : uri.getPort());
    this.sources = options.sourceAddresses();
    this.timeoutNanos = options.dialTimeout().toNanos();
    this.sleepNanos = options.sleep().toNanos();
    this.intervalNanos = options.interval().toNanos();
    this.backoff = backoff;
    this.stop = stop;
    this.out = out;
    this.detail = detail;
    this.selector = Selector.open();
    this.payload = "x".repeat(options.messageSize()).getBytes(StandardCharsets.UTF_8);
    byte[] encoded = WebSocketWire.maskedFrame(WebSocketWire.OP_TEXT, payload);
    this.frame = ByteBuffer.allocateDirect(encoded.length).put(encoded).flip();
    int n = options.connections();
    this.recovery = new Recovery(n);
    this.current = new NioConnection[n];
    this.echoing = new boolean[n];
    this.failuresInRow = new int[n];
    this.lastSentNanos = new long[n];
  }

  Recovery recovery() {
    return recovery;
  }

  long dials() {
    return dials;
  }

  /** How long after the first dial all connections echoed at once; -1 if they never did. */
  long fillNanos() {
    return filledNanos < 0 ? -1 : filledNanos - startNanos;
  }

  /**
   * CPU time this process (the client) used from the first drop until now, in nanoseconds; -1 if nothing dropped
   * or the platform does not say. What the storm cost the client, beside what it cost the servers.
   */
  long cpuSinceFirstDropNanos() {
    long now = processCpuNanos();
    return cpuAtFirstDropNanos < 0 || now < 0 ? -1 : now - cpuAtFirstDropNanos;
  }

  private static long processCpuNanos() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : -1;
  }

  /** The first reason a dial or a connection failed, "connection 3: …"; empty if none did. */
  String firstFailure() {
    return firstFailure;
  }

  /**
   * Dials every slot (at most {@link NioEchoClient#DIALS_IN_FLIGHT} first dials at once, {@code --sleep} apart),
   * then holds them, redialling whatever drops, until every connection echoes again after a drop, {@code
   * duration} has passed since the first dial, or the check is stopped.
   */
  void run(Duration duration) throws IOException {
    startNanos = System.nanoTime();
    long deadline = startNanos + duration.toNanos();
    long nextDialAt = startNanos;
    long nextScan = startNanos;
    long nextStatus = startNanos;
    long now = startNanos;
    while (!stop.isStopped() && now - deadline < 0 && !recovery.recovered()) {
      while (nextFirstDial < current.length && dialling < NioEchoClient.DIALS_IN_FLIGHT && now - nextDialAt >= 0) {
        dial(nextFirstDial++, now);
        nextDialAt = now + sleepNanos;
      }
      while (!retries.isEmpty() && retries.peek().dueNanos() - now <= 0) {
        dial(retries.poll().slot(), now);
      }
      // At least 1 ms, rounded up: redials are due every few microseconds in a storm, and polling for each
      // would spin this thread at 100 % on cores the servers it measures need (a redial is at most 1 ms late).
      long wait = SELECT_MILLIS;
      if (!retries.isEmpty()) {
        long untilDue = retries.peek().dueNanos() - now;
        wait = Math.max(1, Math.min(SELECT_MILLIS, (untilDue + 999_999) / 1_000_000));
      }
      selector.select(onSelected, wait);
      now = System.nanoTime();
      if (now - nextScan >= 0) {
        nextScan = now + SCAN_NANOS;
        scan(now);
      }
      if (now - nextStatus >= 0) {
        nextStatus = now + intervalNanos;
        out.println(status());
      }
    }
    out.println(status());
  }

  /** The status line: how many echo, how many are being dialled or wait to retry, reconnects so far. */
  String status() {
    return String.format(Locale.ROOT, "Echoing: %d of %d, dialling: %d, waiting to retry: %d, reconnect attempts: %d",
        recovery.echoing(), recovery.total(), dialling, retries.size(), recovery.attempts());
  }

  private void dial(int slot, long now) {
    NioConnection connection = new NioConnection(slot, this, frame.asReadOnlyBuffer(), payload);
    connection.resetWhenFailed();
    current[slot] = connection;
    dialling++;
    dials++;
    recovery.attempted();
    try {
      connection.open(selector, address, sources.isEmpty() ? null : sources.get(slot % sources.size()), uri);
    } catch (IOException e) {
      connection.fail(Failures.describe(e));
    }
    lastSentNanos[slot] = now;
  }

  private void onSelected(SelectionKey key) {
    ((NioConnection) key.attachment()).onReady(in);
  }

  /** Fails dials and echoes that took longer than the dial timeout; sends the keep-alive echoes that are due. */
  private void scan(long now) {
    for (int slot = 0; slot < current.length; slot++) {
      NioConnection connection = current[slot];
      if (connection == null) {
        continue;
      }
      NioConnection.ProtocolPhase phase = connection.phase();
      boolean waiting = phase == NioConnection.ProtocolPhase.CONNECTING
          || phase == NioConnection.ProtocolPhase.UPGRADING
          || (phase == NioConnection.ProtocolPhase.OPEN && connection.awaitingEcho());
      if (waiting && now - connection.waitingSinceNanos() > timeoutNanos) {
        connection.fail("no answer within " + Duration.ofNanos(timeoutNanos).toMillis() + " ms");
      } else if (echoing[slot] && phase == NioConnection.ProtocolPhase.OPEN && !connection.awaitingEcho()
          && now - lastSentNanos[slot] > KEEPALIVE.toNanos()) {
        send(connection, now);
      }
    }
  }

  private void send(NioConnection connection, long now) {
    lastSentNanos[connection.id] = now;
    try {
      connection.sendEcho();
    } catch (IOException e) {
      connection.fail(Failures.describe(e));
    }
  }

  @Override
  public void established(NioConnection connection) {
    if (current[connection.id] == connection) {
      send(connection, System.nanoTime());
    }
  }

  @Override
  public void echoed(NioConnection connection, long nanos) {
    int slot = connection.id;
    if (current[slot] != connection || echoing[slot]) {
      return; // a keep-alive echo
    }
    long now = System.nanoTime();
    echoing[slot] = true;
    failuresInRow[slot] = 0;
    dialling--;
    recovery.connectionEchoes(now);
    if (filledNanos < 0 && recovery.filled()) {
      filledNanos = now;
      out.println(String.format(Locale.ROOT, "Holding %d echoing connections (all echoed %s after the first dial, %d"
              + " dials); reconnecting whatever drops until all echo again", recovery.total(),
          Recovery.seconds(filledNanos - startNanos), dials));
    }
  }

  @Override
  public void failed(NioConnection connection, boolean wasEstablished) {
    int slot = connection.id;
    if (current[slot] != connection) {
      return;
    }
    long now = System.nanoTime();
    if (firstFailure.isEmpty()) {
      firstFailure = connection.toString();
    }
    if (echoing[slot]) {
      echoing[slot] = false;
      boolean first = !recovery.dropped();
      recovery.connectionDropped(now);
      if (first && recovery.dropped()) {
        cpuAtFirstDropNanos = processCpuNanos();
        out.println(String.format(Locale.ROOT, "First drop at +%s after the first dial: %s",
            Recovery.seconds(now - startNanos), connection));
      }
    } else {
      dialling--;
      recovery.attemptFailed(connection.problem());
    }
    detail.accept(connection.toString());
    failuresInRow[slot]++;
    retries.add(new Retry(now + backoff.delayNanos(failuresInRow[slot], random), slot));
  }

  /** Close handshake (1000) on every open connection; whatever has not answered within {@code grace} is cut. */
  void closeAll(Duration grace) throws IOException {
    retries.clear();
    for (NioConnection connection : current) {
      if (connection != null) {
        connection.startClose();
      }
    }
    long deadline = System.nanoTime() + grace.toNanos();
    while (System.nanoTime() - deadline < 0 && anyClosing()) {
      selector.select(onSelected, SELECT_MILLIS);
    }
    close();
  }

  private boolean anyClosing() {
    for (NioConnection connection : current) {
      if (connection != null && connection.closeSent() && connection.phase() != NioConnection.ProtocolPhase.ENDED) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() throws IOException {
    for (NioConnection connection : current) {
      if (connection != null) {
        connection.end();
      }
    }
    selector.close();
  }
}
