package org.example.echo.check;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * One connection of a check: its state, handshake time and (with --echo) one echo round trip. All transitions
 * are compare-and-set so that late Jetty callbacks (an open after our dial timeout, a close after our own close)
 * cannot double count. Public only because Jetty invokes the listener methods reflectively.
 */
public final class CheckedConnection implements Session.Listener.AutoDemanding {

  /** What the check needs to hear about, each at most once per connection. */
  interface Events {
    /** The dial ended: established or failed. */
    void dialSettled(CheckedConnection connection);

    /** The echo ended: received, failed, or will never happen because the dial failed. */
    void echoSettled(CheckedConnection connection);

    /** Verbose detail, one line. */
    void detail(String line);
  }

  private final int id;
  private final boolean echo;
  private final String payload;
  private final Events events;
  private final AtomicReference<ConnectionState> state = new AtomicReference<>(ConnectionState.NOT_INITIATED);
  private final AtomicBoolean dialSettled = new AtomicBoolean();
  private final AtomicBoolean echoSettled = new AtomicBoolean();
  private final AtomicBoolean closingByUs = new AtomicBoolean();
  private volatile long dialStartNanos;
  private volatile long handshakeNanos = -1;
  private volatile long echoSentNanos;
  private volatile long echoNanos = -1;
  private volatile String problem = "";
  private volatile Session session;
  /** Completes when the session is gone, however it went. */
  private final CompletableFuture<Void> gone = new CompletableFuture<>();

  CheckedConnection(int id, boolean echo, Events events) {
    this.id = id;
    this.echo = echo;
    this.payload = "check " + id;
    this.events = events;
  }

  void dial(WebSocketClient client, URI uri, Duration timeout) {
    if (!state.compareAndSet(ConnectionState.NOT_INITIATED, ConnectionState.DIALING)) {
      return;
    }
    dialStartNanos = System.nanoTime();
    ClientUpgradeRequest request = new ClientUpgradeRequest(uri);
    request.setTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    try {
      // Our own timeout as well as Jetty's: it bounds the whole dial, including time queued in the client.
      CompletableFuture<?> unused =
          client
          .connect(this, request)
          .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .whenComplete(
              (session, failure) -> {
                if (failure != null) {
                  failDial(describe(unwrap(failure), timeout));
                }
              });
    } catch (java.io.IOException | RuntimeException e) {
      failDial(describe(e, timeout));
    }
  }

  @Override
  public void onWebSocketOpen(Session openedSession) {
    this.session = openedSession;
    long elapsed = System.nanoTime() - dialStartNanos;
    if (!state.compareAndSet(ConnectionState.DIALING, ConnectionState.ESTABLISHED)) {
      // The dial already timed out and was counted as an error; do not keep a connection we do not track.
      openedSession.disconnect();
      return;
    }
    handshakeNanos = elapsed;
    settleDial();
    events.detail("connection " + id + " established in " + elapsed / 1_000 + " us");
    if (echo) {
      echoSentNanos = System.nanoTime();
      openedSession.sendText(payload, Callback.from(() -> {}, t -> failEcho("sending the echo failed: " + t)));
    }
  }

  @Override
  public void onWebSocketText(String message) {
    // Any echo server: ours answers "echo: <text>", a plain one answers "<text>".
    if (echo && message.endsWith(payload) && echoSettled.compareAndSet(false, true)) {
      echoNanos = System.nanoTime() - echoSentNanos;
      events.echoSettled(this);
    }
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason, Callback callback) {
    callback.succeed();
    gone.complete(null);
    peerGone("closed by the peer: " + statusCode + (reason == null || reason.isEmpty() ? "" : " " + reason));
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    gone.complete(null);
    peerGone("connection failed: " + cause);
  }

  private void peerGone(String why) {
    if (closingByUs.get()) {
      return;
    }
    if (state.compareAndSet(ConnectionState.ESTABLISHED, ConnectionState.CLOSED)) {
      problem = why;
      events.detail("connection " + id + " " + why);
      failEcho("closed before the echo arrived");
    } else if (state.get() == ConnectionState.DIALING) {
      failDial(why);
    }
  }

  private void failDial(String why) {
    if (state.compareAndSet(ConnectionState.DIALING, ConnectionState.ERROR)) {
      problem = why;
      events.detail("connection " + id + " failed: " + why);
      settleDial();
      failEcho("not established");
    }
  }

  private void settleDial() {
    if (dialSettled.compareAndSet(false, true)) {
      events.dialSettled(this);
    }
  }

  private void failEcho(String why) {
    if (echo && echoSettled.compareAndSet(false, true)) {
      if (state.get() == ConnectionState.ESTABLISHED) {
        problem = why;
      }
      events.echoSettled(this);
    }
  }

  /** Marks a pending echo as failed because the check stopped waiting for it. */
  void echoTimedOut(Duration waited) {
    failEcho("no echo within " + waited.toMillis() + " ms");
  }

  /**
   * Closes normally (1000); later close callbacks are ours, not the peer's. The future completes when the close
   * handshake is done, at once if there is nothing to close.
   */
  CompletableFuture<Void> close() {
    closingByUs.set(true);
    Session current = session;
    if (current == null || !current.isOpen()) {
      return CompletableFuture.completedFuture(null);
    }
    current.close(1000, "check done", Callback.NOOP);
    return gone;
  }

  int id() {
    return id;
  }

  ConnectionState state() {
    return state.get();
  }

  /** Handshake time in nanoseconds, or -1 if never established. */
  long handshakeNanos() {
    return handshakeNanos;
  }

  /** Echo round trip in nanoseconds, or -1 if no echo arrived. */
  long echoNanos() {
    return echoNanos;
  }

  /** Why this connection failed, closed, or missed its echo; empty if none of that happened. */
  String problem() {
    return problem;
  }

  private static Throwable unwrap(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
  }

  private static String describe(Throwable failure, Duration timeout) {
    if (failure instanceof TimeoutException) {
      return "no handshake within the dial timeout of " + timeout.toMillis() + " ms";
    }
    String message = failure.getMessage();
    return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
