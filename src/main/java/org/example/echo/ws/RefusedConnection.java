package org.example.echo.ws;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * A connection over a limit: it answers the first bytes the client sends with a 503 and one line naming the
 * limit, whatever they are, then closes. Answering only once the request has begun arriving matters to HTTP
 * clients: one that finds a response and a close on a connection it has not used yet takes it for a dead
 * connection (Jetty's client reports an EofException) instead of reading the 503. Reading what the client sent
 * before closing lets the answer arrive instead of a reset; a client that neither sends nor closes is dropped
 * after {@link #LINGER_MS}.
 */
final class RefusedConnection extends AbstractConnection {

  static final long LINGER_MS = 1_000;
  private static final int MAX_DISCARD_READS = 64;

  private final ByteBuffer answer;
  private boolean answering; // only touched by the one onFillable at a time that fill interest allows

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

  /** Discards what the client sends (at most 64 KB); answers at the first bytes, closes at its end. */
  @Override
  public void onFillable() {
    ByteBuffer discard = BufferUtil.allocate(1024);
    for (int i = 0; i < MAX_DISCARD_READS; i++) {
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
        getEndPoint().write(Callback.from(this::answered, x -> getEndPoint().close()), answer);
        return; // answered() asks for the rest
      }
      if (read == 0) {
        fillInterested();
        return;
      }
    }
    getEndPoint().close(); // more than 64 KB from a refused client: no more patience
  }
}
