package org.example.echo.ws;

import java.nio.ByteBuffer;

/**
 * One WebSocket connection's turn of the selector: what it may still read before the selector serves the others.
 * A turn ends at the read budget, or at a read that came back short: the socket had no more, so a second read
 * would only return EAGAIN (a system call per echo for nothing); if data came in meanwhile, the selector, which
 * is level-triggered, starts the next turn at once.
 *
 * <p>Only the selector thread begins a turn, before it reads. A connection's reads are one at a time, on the
 * selector or on a pool thread that Jetty handed the connection to (which orders the memory accesses), so plain
 * fields are enough.
 */
final class ReadTurn {

  private final int budget;
  private int number;
  private int read;
  private boolean drained;

  ReadTurn(int budget) {
    this.budget = budget;
  }

  /** The selector found the socket readable. */
  void begin() {
    number++;
    read = 0;
    drained = false;
  }

  /** Which turn this is: a new number each time the socket was found readable. */
  int number() {
    return number;
  }

  boolean mayRead() {
    return !drained && read < budget;
  }

  /** A read took {@code filled} bytes into a buffer that had room for {@code room}. */
  void read(int filled, int room) {
    if (filled > 0) {
      read += filled;
      drained = filled < room;
    }
  }

  /** The bytes a read into {@code buffer} (in flush mode) can take: what Jetty's BufferUtil.flipToFill leaves. */
  static int room(ByteBuffer buffer) {
    if (!buffer.hasRemaining()) {
      return buffer.capacity(); // emptied: cleared
    }
    if (buffer.limit() == buffer.capacity()) {
      return buffer.capacity() - buffer.remaining(); // compacted
    }
    return buffer.capacity() - buffer.limit(); // appended after the unread bytes
  }
}
