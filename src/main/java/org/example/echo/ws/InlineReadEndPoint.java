package org.example.echo.ws;

import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable.InvocationType;
import org.eclipse.jetty.util.thread.Scheduler;
import org.eclipse.jetty.websocket.core.WebSocketConnection;

/**
 * A socket end point on which a WebSocket connection's reads run on the selector thread instead of being handed
 * to the thread pool.
 *
 * <p>Why: Jetty 12.1 registers WebSocket read interest as blocking whatever the container's invocation type
 * (jetty/jetty.project#13377), so every read of every frame cost a thread hand-off: 8 of the server's 20 µs
 * of CPU per echo on two cores (bench.sh). Marking the read callback non-blocking lets the selector run it.
 * That is only safe because {@link EchoEndpoint} never blocks: it replies asynchronously and logs through an
 * appender that drops rather than waits. Plain HTTP (health, demo page, the upgrade request) is unchanged.
 */
final class InlineReadEndPoint extends SocketChannelEndPoint {

  private Callback lastRead;
  private Callback lastInline;

  InlineReadEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key, Scheduler scheduler) {
    super(channel, selector, key, scheduler);
  }

  @Override
  public void fillInterested(Callback callback) {
    super.fillInterested(getConnection() instanceof WebSocketConnection ? inline(callback) : callback);
  }

  /** The connection registers the same callback each time; wrap it once. Read interest is one at a time. */
  private synchronized Callback inline(Callback read) {
    if (read != lastRead) {
      lastRead = read;
      lastInline = nonBlocking(read);
    }
    return lastInline;
  }

  /** The same callback, declared non-blocking, so the selector thread may complete it itself. */
  static Callback nonBlocking(Callback read) {
    return Callback.from(InvocationType.NON_BLOCKING, read::succeeded, read::failed);
  }
}
