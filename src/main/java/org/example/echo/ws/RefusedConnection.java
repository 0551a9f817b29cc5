package org.example.echo.ws;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * A connection over a limit: it answers at once with a 503 and one line naming the limit, whatever the client
 * sends, then closes. Reading what the client sent before closing lets the answer arrive instead of a reset;
 * a client that neither reads nor closes is dropped after {@link #LINGER_MS}.
 */
final class RefusedConnection extends AbstractConnection {

  static final long LINGER_MS = 1_000;

  private final ByteBuffer answer;

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
    getEndPoint().write(Callback.from(this::answered, x -> getEndPoint().close()), answer);
  }

  private void answered() {
    getEndPoint().shutdownOutput();
    fillInterested();
  }

  @Override
  public void onFillable() {
    ByteBuffer discard = BufferUtil.allocate(1024);
    for (int i = 0; i < 64; i++) {
      try {
        BufferUtil.clear(discard);
        int read = getEndPoint().fill(discard);
        if (read < 0) {
          getEndPoint().close();
          return;
        }
        if (read == 0) {
          fillInterested();
          return;
        }
      } catch (java.io.IOException e) {
        getEndPoint().close();
        return;
      }
    }
    getEndPoint().close(); // more than 64 KB from a refused client: no more patience
  }
}
