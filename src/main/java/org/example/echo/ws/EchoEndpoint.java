package org.example.echo.ws;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.eclipse.jetty.util.thread.Scheduler;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.example.echo.common.EchoReply;
import org.example.echo.metrics.WebSocketMetrics;
import org.example.echo.metrics.WebSocketMetrics.Kind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One echo connection. Text comes back as {@link EchoReply#to}, binary comes back unchanged. Text arrives as
 * bytes ({@link #onText}, from {@link TextEchoFrameHandler}), everything else through Jetty's API.
 *
 * <p>Reading is driven by explicit demand, and replies are sent asynchronously, so no thread waits on a client.
 * A client that stops reading would otherwise make us queue replies without bound: at most {@code
 * sendQueueLimit} replies may wait, one more and the client is closed with 1008 and cut off shortly after.
 *
 * <p>Reads run on the selector thread, shared by every connection. A client that pipelines many small messages
 * would keep it for as long as its socket has data, so after {@link #MESSAGES_PER_TURN} messages in one turn of
 * the selector the next demand is handed to the thread pool instead of being made at once: the selector goes on
 * to the other connections (see also InlineReadEndPoint's read budget, which bounds the bytes of one turn). A
 * client with one message in flight never reaches it, so the common case costs nothing.
 */
public final class EchoEndpoint implements Session.Listener {

  static final int SLOW_READER = 1008;
  /** Messages read in one turn before this connection yields the thread that reads it. */
  static final int MESSAGES_PER_TURN = 64;
  private static final int PREFIX_BYTES = TextEchoFrameHandler.PREFIX.length;
  private static final long DISCONNECT_GRACE_MS = 1_000;
  private static final Logger log = LoggerFactory.getLogger(EchoEndpoint.class);

  private final long id;
  private final long decidedIn;
  private final String remote;
  private final ConnectionGate gate;
  private final Scheduler scheduler;
  private final Executor executor;
  private final int sendQueueLimit;
  private final WebSocketMetrics metrics;
  private final AtomicInteger pendingReplies = new AtomicInteger();
  private final AtomicBoolean closing = new AtomicBoolean();
  private volatile Session session;
  private final IntSupplier turn;
  private int messagesInARow; // only the one thread that delivers this connection's messages touches them
  private int turnOfLastMessage;

  EchoEndpoint(
      long id, long decidedIn, String remote, ConnectionGate gate, Scheduler scheduler, Executor executor,
      IntSupplier turn, int sendQueueLimit, WebSocketMetrics metrics) {
    this.id = id;
    this.decidedIn = decidedIn;
    this.remote = remote;
    this.gate = gate;
    this.scheduler = scheduler;
    this.executor = executor;
    this.turn = turn;
    this.sendQueueLimit = sendQueueLimit;
    this.metrics = metrics;
  }

  long id() {
    return id;
  }

  /** The gate's {@link ConnectionGate#period()} when its upgrade was decided. */
  long decidedIn() {
    return decidedIn;
  }

  @Override
  public void onWebSocketOpen(Session s) {
    this.session = s;
    logAt(Level.INFO).log("conn={} remote={} open", id, remote);
    metrics.opened();
    if (gate.add(this)) {
      s.demand();
    }
  }

  /**
   * A whole text message, already checked as UTF-8 by {@link TextEchoFrameHandler}: {@code reply[0, length)} is
   * the echo's prefix followed by the message's bytes, so it goes back as it is, through {@code out}. No String
   * is built unless the message is logged.
   */
  void onText(byte[] reply, int length, TextOut out) {
    int bytes = length - PREFIX_BYTES;
    if (log.isDebugEnabled()) {
      String message = new String(reply, PREFIX_BYTES, bytes, StandardCharsets.UTF_8);
      logAt(Level.DEBUG).log("conn={} remote={} text {}", id, remote, ClientText.quoted(message));
    }
    metrics.received(Kind.TEXT, bytes);
    if (reserveReply()) {
      out.send(ByteBuffer.wrap(reply, 0, length), Callback.from(() -> replySent(Kind.TEXT, length), this::replyFailed));
      demandNext();
    }
  }

  /** Sends bytes that are UTF-8 already as one text frame (Jetty's API only sends Strings). */
  interface TextOut {
    void send(ByteBuffer utf8, Callback callback);
  }

  @Override
  public void onWebSocketBinary(ByteBuffer payload, Callback frameCallback) {
    if (log.isDebugEnabled()) {
      logAt(Level.DEBUG).log("conn={} remote={} binary {} bytes", id, remote, payload.remaining());
    }
    long bytes = payload.remaining();
    metrics.received(Kind.BINARY, bytes);
    if (!reserveReply()) {
      frameCallback.succeed();
      return;
    }
    // Echo the received buffer itself; it goes back to Jetty's pool once the reply is written.
    session.sendBinary(
        payload,
        Callback.from(
            () -> {
              frameCallback.succeed();
              replySent(Kind.BINARY, bytes);
            },
            x -> {
              frameCallback.fail(x);
              replyFailed(x);
            }));
    demandNext();
  }

  /**
   * Answers a ping as Jetty would (the next frame is read once the pong is written, so a client that pings and
   * never reads cannot queue pongs), but counted as a message, so a ping flood yields the selector too.
   */
  @Override
  public void onWebSocketPing(ByteBuffer payload) {
    session.sendPong(payload, Callback.from(this::demandNext, x -> demandNext()));
  }

  @Override
  public void onWebSocketPong(ByteBuffer payload) {
    demandNext();
  }

  /** Asks for the next message: at once, or after MESSAGES_PER_TURN in this turn from another thread (see above). */
  private void demandNext() {
    int now = turn.getAsInt();
    if (now != turnOfLastMessage) {
      turnOfLastMessage = now;
      messagesInARow = 0;
    }
    if (++messagesInARow < MESSAGES_PER_TURN) {
      session.demand();
      return;
    }
    messagesInARow = 0;
    Session s = session;
    executor.execute(s::demand);
  }

  /** Takes a place in this client's reply queue, or cuts the client off when the queue is full. */
  private boolean reserveReply() {
    if (closing.get()) {
      return false;
    }
    if (pendingReplies.incrementAndGet() > sendQueueLimit) {
      pendingReplies.decrementAndGet();
      cutOffSlowReader();
      return false;
    }
    return true;
  }

  private void replySent(Kind kind, long bytes) {
    pendingReplies.decrementAndGet();
    metrics.sent(kind, bytes);
  }

  private void replyFailed(Throwable cause) {
    pendingReplies.decrementAndGet();
    logAt(Level.DEBUG).log("conn={} remote={} reply failed: {}", id, remote, ClientText.escaped(cause.toString()));
  }

  private void cutOffSlowReader() {
    logAt(Level.WARN).log(
        "conn={} remote={} closing slow reader: {} replies waiting to be written (limit {})",
        id,
        remote,
        pendingReplies.get(),
        sendQueueLimit);
    metrics.slowReaderCutOff();
    close(SLOW_READER, "client too slow: reply queue full");
    // The close frame queues behind the unread replies; do not wait for a client that does not read.
    Session s = session;
    scheduler.schedule(s::disconnect, DISCONNECT_GRACE_MS, TimeUnit.MILLISECONDS);
  }

  /** Starts the close handshake once; later calls are ignored. */
  void close(int code, String reason) {
    Session s = session;
    if (s != null && closing.compareAndSet(false, true)) {
      s.close(code, reason, Callback.NOOP);
    }
  }

  /** Closes the connection at once, without waiting for the close handshake. */
  void disconnect() {
    Session s = session;
    if (s != null) {
      s.disconnect();
    }
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason, Callback callback) {
    gate.remove(this);
    logAt(Level.INFO).addKeyValue("code", statusCode)
        .log("conn={} remote={} closed code={} reason={}", id, remote, statusCode, ClientText.quoted(reason));
    metrics.closed(statusCode);
    callback.succeed();
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    // Protocol violations, bad UTF-8 and oversize messages arrive here before the close; Jetty picks the code.
    logAt(Level.INFO).log("conn={} remote={} error: {}", id, remote, ClientText.escaped(cause.toString()));
  }

  /** A line about this connection: its id and address also as key-value pairs, fields of a JSON log line. */
  private LoggingEventBuilder logAt(Level level) {
    return log.atLevel(level).addKeyValue("conn", id).addKeyValue("remote", remote);
  }
}
