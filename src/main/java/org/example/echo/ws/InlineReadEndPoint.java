package org.example.echo.ws;

import java.io.IOException;
import java.nio.ByteBuffer;
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
 * to the thread pool, each connection at most {@link #READ_BUDGET_BYTES} per turn.
 *
 * <p>Why inline: Jetty 12.1 registers WebSocket read interest as blocking whatever the container's invocation type
 * (jetty/jetty.project#13377), so every read of every frame cost a thread hand-off: 8 of the server's 20 µs
 * of CPU per echo on two cores (bench.sh). Marking the read callback non-blocking lets the selector run it.
 * That is only safe because {@link EchoEndpoint} never blocks: it replies asynchronously and logs through an
 * appender that drops rather than waits. Plain HTTP (health, demo page, the upgrade request) keeps the read
 * callback Jetty gives it, which runs on the selector too, as every handler is non-blocking (HttpRoutes).
 *
 * <p>Why a budget: the selector serves every connection from one thread, and Jetty reads a connection for as long
 * as its socket has data, so one client pipelining flat out kept it forever (another client's handshake took
 * 4.8 s). Once a turn has read the budget, {@link #fill} answers 0 ("nothing now"): the connection registers read
 * interest again and the selector serves every other ready connection before this one's next turn. A client
 * that sends faster than it is served slows itself down, not the others. A short read ends the turn too
 * ({@link ReadTurn}): one read per echo, not two.
 */
final class InlineReadEndPoint extends SocketChannelEndPoint {

  /**
   * Bytes read from one WebSocket connection per selector turn: one full input buffer (Jetty's default, 4 KB),
   * so at most one 4 KB frame, or some 680 of the smallest, before the next connection's turn.
   */
  static final int READ_BUDGET_BYTES = 4096;

  private Callback lastRead;
  private Callback lastInline;
  // EchoEndpoint reads the turn's number while handling what was read, after Jetty's own locks between the two.
  private final ReadTurn turn = new ReadTurn(READ_BUDGET_BYTES);

  InlineReadEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key, Scheduler scheduler) {
    super(channel, selector, key, scheduler);
  }

  @Override
  public void fillInterested(Callback callback) {
    super.fillInterested(getConnection() instanceof WebSocketConnection ? inline(callback) : callback);
  }

  @Override
  public int fill(ByteBuffer buffer) throws IOException {
    if (!turn.mayRead() && getConnection() instanceof WebSocketConnection) {
      return 0; // yield the selector: the connection asks for read interest again and waits for its next turn
    }
    int room = ReadTurn.room(buffer);
    int filled = super.fill(buffer);
    turn.read(filled, room);
    return filled;
  }

  /** Which turn of the selector this connection is in; a new number each time the socket was found readable. */
  int turn() {
    return turn.number();
  }

  /** The connection registers the same callback each time; wrap it once. Read interest is one at a time. */
  private synchronized Callback inline(Callback read) {
    if (read != lastRead) {
      lastRead = read;
      lastInline = nonBlocking(read, turn::begin);
    }
    return lastInline;
  }

  /** The same callback, declared non-blocking, so the selector thread may complete it itself. */
  static Callback nonBlocking(Callback read, Runnable beforeSuccess) {
    return Callback.from(
        InvocationType.NON_BLOCKING,
        () -> {
          beforeSuccess.run();
          read.succeeded();
        },
        read::failed);
  }
}
