package org.example.echo.testkit;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/** A real WebSocket client (Jetty's) for tests, recording what it receives and how it was closed. */
public final class EchoClient implements Session.Listener.AutoDemanding {

  /** How a connection ended. */
  public record Closed(int code, String reason) {}

  private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
  private final CompletableFuture<Closed> closed = new CompletableFuture<>();
  private volatile Session session;
  private volatile Throwable error;

  public static EchoClient connect(WebSocketClient client, URI uri) throws Exception {
    return connect(client, uri, Map.of());
  }

  public static EchoClient connect(WebSocketClient client, URI uri, Map<String, String> headers) throws Exception {
    return connect(client, uri, headers, Duration.ofSeconds(10));
  }

  /** Connects, or fails once the upgrade has not been answered within {@code timeout}. */
  public static EchoClient connect(WebSocketClient client, URI uri, Duration timeout) throws Exception {
    return connect(client, uri, Map.of(), timeout);
  }

  private static EchoClient connect(WebSocketClient client, URI uri, Map<String, String> headers, Duration timeout)
      throws Exception {
    EchoClient endpoint = new EchoClient();
    ClientUpgradeRequest request = new ClientUpgradeRequest(uri);
    headers.forEach(request::setHeader);
    var connecting = client.connect(endpoint, request);
    try {
      connecting.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      // An answer that comes too late must not leave a connection open.
      var unused = connecting.thenAccept(Session::close);
      throw e;
    }
    return endpoint;
  }

  @Override
  public void onWebSocketOpen(Session s) {
    this.session = s;
  }

  @Override
  public void onWebSocketText(String message) {
    received.add(message);
  }

  @Override
  public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
    ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload).flip();
    received.add(copy);
    callback.succeed();
  }

  /**
   * A failed upgrade (e.g. a standby's 503) or a broken connection: the caller learns of it from connect()'s
   * exception or from closed(); without this Jetty logs each one as unhandled, which floods a sampler's output.
   */
  @Override
  public void onWebSocketError(Throwable cause) {
    error = cause;
  }

  /** The last error Jetty reported on this connection, if any. */
  public Throwable error() {
    return error;
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason, Callback callback) {
    closed.complete(new Closed(statusCode, reason));
    callback.succeed();
  }

  public Session session() {
    return session;
  }

  public void sendText(String text) {
    session.sendText(text, Callback.NOOP);
  }

  public void sendBinary(byte[] bytes) {
    session.sendBinary(ByteBuffer.wrap(bytes), Callback.NOOP);
  }

  /** Sends {@code text} and returns the reply, or fails after {@code timeout}. */
  public Object echo(String text, Duration timeout) throws InterruptedException {
    sendText(text);
    return next(timeout);
  }

  /** Connects, sends {@code text}, returns the reply and closes: one round trip on a fresh connection. */
  public static Object echoOnce(WebSocketClient client, URI uri, String text, Duration timeout) throws Exception {
    EchoClient c = connect(client, uri);
    try {
      return c.echo(text, timeout);
    } finally {
      c.close();
    }
  }

  /** The next message received (String or ByteBuffer), or an AssertionError after {@code timeout}. */
  public Object next(Duration timeout) throws InterruptedException {
    Object message = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (message == null) {
      throw new AssertionError("no message within " + timeout.toMillis() + " ms");
    }
    return message;
  }

  /**
   * The next message, or empty as soon as the connection has closed with nothing left to read; an AssertionError
   * after {@code timeout} otherwise.
   */
  public Optional<Object> nextUnlessClosed(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Object message = received.poll(50, TimeUnit.MILLISECONDS);
      if (message != null) {
        return Optional.of(message);
      }
      if (closed.isDone() && received.isEmpty()) {
        return Optional.empty();
      }
    }
    throw new AssertionError("no message within " + timeout.toMillis() + " ms and the connection is still open");
  }

  public CompletableFuture<Closed> closed() {
    return closed;
  }

  public boolean isOpen() {
    Session s = session;
    return s != null && s.isOpen() && !closed.isDone();
  }

  public void close() {
    Session s = session;
    if (s != null) {
      s.close();
    }
  }
}
