package org.example.echo.ws;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * A connection over a limit: it answers the first bytes the client sends with a 503 and one line naming the
 * limit, whatever they are, then closes. Answering only once the request has begun arriving matters to HTTP
 * clients: one that finds a response and a close on a connection it has not used yet takes it for a dead
 * connection (Jetty's client reports an EofException) instead of reading the 503. Reading what the client sends
 * after the answer lets the answer arrive instead of a reset. Neither costs a refused client more than
 * {@link #LINGER_MS} of silence before the answer, or than that long and {@link #MAX_DISCARD_BYTES} after it.
 */
final class RefusedConnection extends AbstractConnection {

  static final long LINGER_MS = 1_000;
  static final int MAX_DISCARD_BYTES = 64 * 1024;

  private final ByteBuffer answer;
  // Only touched by the one onFillable (or write callback) at a time that Jetty's fill interest allows.
  private boolean answering;
  private long closeAfterNanos;
  private int discarded;

  RefusedConnection(EndPoint endPoint, Executor executor, String reason) {
    super(endPoint, executor);
    byte[] body = (reason + "\n").getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
        + "Content-Length: " + body.length + "\r\nRetry-After: 1\r\nConnection: close\r\n\r\n";
    byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
    answer = ByteBuffer.allocate(headBytes.length + body.length).put(headBytes).put(body).flip();
    endPoint.setIdleTimeout(LINGER_MS);
  }

  @Override
  public void onOpen() {
    super.onOpen();
    fillInterested();
  }

  private void answered() {
    getEndPoint().shutdownOutput();
    fillInterested();
  }

  /** Silent for {@link #LINGER_MS} (the idle timeout), before the answer or after it: closed, not half-closed. */
  @Override
  public void onFillInterestedFailed(Throwable cause) {
    getEndPoint().close(cause);
  }

  /** Answers at the first bytes; then discards what follows until the client closes or its patience ends. */
  @Override
  public void onFillable() {
    ByteBuffer discard = BufferUtil.allocate(1024);
    while (true) {
      int read;
      try {
        BufferUtil.clear(discard);
        read = getEndPoint().fill(discard);
      } catch (IOException e) {
        getEndPoint().close();
        return;
      }
      if (read < 0) {
        getEndPoint().close();
        return;
      }
      if (read > 0 && !answering) {
        answering = true;
        closeAfterNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LINGER_MS);
        getEndPoint().write(Callback.from(this::answered, x -> getEndPoint().close()), answer);
        return; // answered() asks for the rest
      }
      if (answering) {
        discarded += read;
        if (discarded > MAX_DISCARD_BYTES || System.nanoTime() - closeAfterNanos > 0) {
          getEndPoint().close(); // a refused client that keeps sending: no more patience
          return;
        }
      }
      if (read == 0) {
        fillInterested();
        return;
      }
    }
  }
}
