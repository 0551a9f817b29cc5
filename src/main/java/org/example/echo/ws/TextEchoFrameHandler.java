package org.example.echo.ws;

import com.google.common.base.Utf8;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.exception.BadPayloadException;
import org.eclipse.jetty.websocket.core.exception.MessageTooLargeException;
import org.example.echo.common.EchoReply;

/**
 * Text messages as bytes: the frames of a text message are copied behind the echo's prefix and checked as UTF-8,
 * and the whole reply goes to {@link EchoEndpoint#onText} without a String ever being built. Every other frame
 * (binary, ping, pong, close) and every event goes to Jetty's own handler of the same endpoint, unchanged.
 *
 * <p>Why: Jetty decodes every text frame into a String (StringMessageSink), and the echo encoded it again; the
 * decoding alone was a quarter of the busy selector thread's Java time (docs/bench.md). The reply's bytes are
 * the prefix's and the message's, so the message's need no decoding, only the check that they are valid
 * (Guava's {@link Utf8#isWellFormed}, as strict as Jetty's decoder).
 *
 * <p>What Jetty's sink did is kept, frame for frame: a message over the read limit fails with 1009 as soon as a
 * frame takes it over (same exception, same text), invalid UTF-8 fails with 1007 when the message's last frame
 * arrives (Jetty, too, only complained then), a fragment that is not the last asks for the next frame at once.
 *
 * <p>One per connection; Jetty delivers one frame at a time, so the fields need no locking.
 */
final class TextEchoFrameHandler implements FrameHandler {

  /** What goes before every echoed text, as UTF-8. */
  static final byte[] PREFIX = EchoReply.TEXT_PREFIX.getBytes(StandardCharsets.UTF_8);

  private final FrameHandler jettys;
  private final EchoEndpoint endpoint;
  private final EchoEndpoint.TextOut out = this::sendText;
  private volatile CoreSession session; // set in onOpen, before the first frame can arrive
  private boolean inText;  // a text message has begun and its last frame has not come yet
  private byte[] reply;    // the prefix, then the message so far; null between messages
  private int length;      // of reply that is filled

  TextEchoFrameHandler(FrameHandler jettys, EchoEndpoint endpoint) {
    this.jettys = jettys;
    this.endpoint = endpoint;
  }

  @Override
  public void onOpen(CoreSession coreSession, Callback callback) {
    this.session = coreSession;
    jettys.onOpen(coreSession, callback);
  }

  @Override
  public void onFrame(Frame frame, Callback callback) {
    byte opCode = frame.getOpCode();
    if (opCode == OpCode.TEXT || (opCode == OpCode.CONTINUATION && inText)) {
      inText = !frame.isFin();
      onTextFrame(frame, callback);
    } else {
      jettys.onFrame(frame, callback);
    }
  }

  @Override
  public void onError(Throwable cause, Callback callback) {
    jettys.onError(cause, callback);
  }

  @Override
  public void onClosed(CloseStatus closeStatus, Callback callback) {
    jettys.onClosed(closeStatus, callback);
  }

  private void onTextFrame(Frame frame, Callback callback) {
    ByteBuffer payload = frame.getPayload();
    int bytes = payload.remaining();
    long size = (long) messageLength() + bytes;
    long max = session.getMaxTextMessageSize();
    if (max > 0 && size > max) {
      reset();
      callback.failed(new MessageTooLargeException(String.format("Text message too large: %,d > %,d", size, max)));
      return;
    }
    append(payload, bytes);
    if (!frame.isFin()) {
      callback.succeeded(); // the payload is copied; Jetty may reuse its buffer
      session.demand();
      return;
    }
    boolean valid = Utf8.isWellFormed(reply, PREFIX.length, length - PREFIX.length);
    byte[] whole = reply;
    int wholeLength = length;
    reset();
    if (!valid) {
      callback.failed(new BadPayloadException.InvalidUtf8());
      return;
    }
    try {
      endpoint.onText(whole, wholeLength, out);
    } catch (RuntimeException x) {
      callback.failed(x); // as Jetty's sink did when the endpoint threw
      return;
    }
    callback.succeeded();
  }

  private int messageLength() {
    return reply == null ? 0 : length - PREFIX.length;
  }

  /** Copies the payload behind what is there; the first frame of a message allocates exactly what it needs. */
  private void append(ByteBuffer payload, int bytes) {
    if (reply == null) {
      reply = new byte[PREFIX.length + bytes];
      System.arraycopy(PREFIX, 0, reply, 0, PREFIX.length);
      length = PREFIX.length;
    } else if (length + bytes > reply.length) {
      reply = Arrays.copyOf(reply, Math.max(length + bytes, 2 * reply.length));
    }
    payload.get(payload.position(), reply, length, bytes); // absolute: the frame's buffer is left as it was
    length += bytes;
  }

  private void reset() {
    reply = null;
    length = 0;
  }

  /** One text frame of bytes that are already UTF-8: what Jetty's Session.sendText does after encoding. */
  private void sendText(ByteBuffer utf8Bytes, org.eclipse.jetty.websocket.api.Callback callback) {
    session.sendFrame(
        new Frame(OpCode.TEXT).setPayload(utf8Bytes), Callback.from(callback::succeed, callback::fail), false);
  }
}
