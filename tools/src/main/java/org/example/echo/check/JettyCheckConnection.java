package org.example.echo.check;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * One connection of a {@link JettyCheck}, on Jetty's WebSocketClient: its state, handshake time and echoes. State transitions are compare-and-set so that
 * late Jetty callbacks (an open after our dial timeout, a close after our own close) cannot double count. Public
 * only because Jetty invokes the listener methods reflectively.
 */
public final class JettyCheckConnection implements Session.Listener.AutoDemanding {

  /** The check, watching its connections: verbose details, and the peer closures that end its hold. */
  interface Observer {
    /** Verbose detail, one line. */
    void detail(String line);

    /** The peer (or the network) ended this established connection. */
    void closedByPeer(JettyCheckConnection connection);
  }

  private final int id;
  private final Observer observer;
  private final AtomicReference<ConnectionState> state = new AtomicReference<>(ConnectionState.NOT_INITIATED);
  /** Completes when the dial ends, established or not. */
  private final CompletableFuture<Void> dialed = new CompletableFuture<>();
  /** Completes when the session is gone, however it went. */
  private final CompletableFuture<Void> gone = new CompletableFuture<>();
  private volatile boolean closingByUs;
  private volatile long dialStartNanos;
  private volatile long establishedAtNanos;
  private volatile long handshakeNanos = -1;
  private volatile String problem = "";
  private volatile Session session;
  private volatile PendingEcho pendingEcho;

  JettyCheckConnection(int id, Observer observer) {
    this.id = id;
    this.observer = observer;
  }

  /** Starts dialling; the returned future completes when the dial ends either way, never exceptionally. */
  CompletableFuture<Void> dial(WebSocketClient client, URI uri, Duration timeout) {
    if (!state.compareAndSet(ConnectionState.NOT_INITIATED, ConnectionState.DIALING)) {
      return dialed;
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
                  (opened, failure) -> {
                    if (failure != null) {
                      failDial(Failures.describe(Failures.unwrap(failure), timeout));
                    }
                  });
    } catch (IOException | RuntimeException e) {
      failDial(Failures.describe(e, timeout));
    }
    return dialed;
  }

  @Override
  public void onWebSocketOpen(Session opened) {
    long now = System.nanoTime();
    this.session = opened;
    if (!state.compareAndSet(ConnectionState.DIALING, ConnectionState.ESTABLISHED)) {
      // The dial already timed out and was counted as an error; do not keep a connection we do not track.
      opened.disconnect();
      return;
    }
    establishedAtNanos = now;
    handshakeNanos = now - dialStartNanos;
    observer.detail(
        "connection " + id + " established in " + handshakeNanos / 1_000 + " us from " + opened.getLocalSocketAddress());
    dialed.complete(null);
  }

  /**
   * Sends {@code text} and completes with the round trip in nanoseconds when its echo arrives (see
   * {@link EchoMatch}). One echo at a time per connection.
   */
  CompletableFuture<Long> echo(String text) {
    Session current = session;
    CompletableFuture<Long> reply = new CompletableFuture<>();
    if (current == null || state.get() != ConnectionState.ESTABLISHED) {
      reply.completeExceptionally(new IOException("not established"));
      return reply;
    }
    PendingEcho pending = new PendingEcho(text, System.nanoTime(), reply);
    pendingEcho = pending;
    current.sendText(text, Callback.from(() -> {}, reply::completeExceptionally));
    if (state.get() != ConnectionState.ESTABLISHED) {
      reply.completeExceptionally(new IOException(problem));
    }
    return reply;
  }

  @Override
  public void onWebSocketText(String message) {
    PendingEcho pending = pendingEcho;
    if (pending != null && EchoMatch.isEchoOf(pending.text(), message)) {
      pending.reply().complete(System.nanoTime() - pending.sentNanos());
    }
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason, Callback callback) {
    callback.succeed();
    peerGone("closed by the peer: " + statusCode + (reason == null || reason.isEmpty() ? "" : " " + reason));
    gone.complete(null);
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    peerGone("connection failed: " + cause);
    gone.complete(null);
  }

  private void peerGone(String why) {
    if (closingByUs) {
      return;
    }
    if (state.compareAndSet(ConnectionState.ESTABLISHED, ConnectionState.CLOSED)) {
      problem = why;
      observer.detail("connection " + id + " " + why);
      PendingEcho pending = pendingEcho;
      if (pending != null) {
        pending.reply().completeExceptionally(new IOException(why));
      }
      observer.closedByPeer(this);
    } else if (state.get() == ConnectionState.DIALING) {
      failDial(why);
    }
  }

  private void failDial(String why) {
    if (state.compareAndSet(ConnectionState.DIALING, ConnectionState.ERROR)) {
      problem = why;
      observer.detail("connection " + id + " failed: " + why);
      dialed.complete(null);
    }
  }

  /** Records why an echo on this established connection failed, for the verdict. */
  void echoFailed(String why) {
    if (state.get() == ConnectionState.ESTABLISHED) {
      problem = why;
      observer.detail("connection " + id + " echo failed: " + why);
    }
  }

  /**
   * Closes normally (1000); later close callbacks are ours, not the peer's. The future completes when the close
   * handshake is done, at once if there is nothing to close.
   */
  CompletableFuture<Void> close() {
    closingByUs = true;
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

  /** When the handshake completed (System.nanoTime), if it did. */
  long establishedAtNanos() {
    return establishedAtNanos;
  }

  /** Why this connection failed, closed, or missed an echo; empty if none of that happened. */
  String problem() {
    return problem;
  }

  private record PendingEcho(String text, long sentNanos, CompletableFuture<Long> reply) {}
}
