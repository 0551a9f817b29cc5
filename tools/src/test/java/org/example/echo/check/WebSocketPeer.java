package org.example.echo.check;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.example.echo.common.EchoReply;
import org.example.echo.common.WebSocketUpgrade;
import org.example.echo.testkit.RawWebSocket;

/**
 * The server's side of one WebSocket connection on a plain socket, for tests that need a server to do what ours
 * never does: answer late, wrongly, in pieces, or not at all.
 */
final class WebSocketPeer implements AutoCloseable {
  static final int CONTINUATION = 0x0;
  static final int TEXT = 0x1;
  static final int BINARY = 0x2;
  static final int CLOSE = 0x8;
  static final int PING = 0x9;
  static final int PONG = 0xA;

  /** One frame the client sent, unmasked. The array is never shared. */
  @SuppressWarnings("ArrayRecordComponent")
  record Frame(int opcode, byte[] payload) {
    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    int closeCode() {
      return ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
    }
  }

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  WebSocketPeer(Socket socket) throws IOException {
    this.socket = socket;
    socket.setSoTimeout(5_000);
    socket.setTcpNoDelay(true);
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** Reads the upgrade request and answers 101 with the accept key it asks for. */
  void acceptUpgrade() throws IOException {
    String head = readRequestHead();
    String key = head.lines()
        .filter(line -> line.toLowerCase(Locale.ROOT).startsWith("sec-websocket-key:"))
        .map(line -> line.substring(line.indexOf(':') + 1).trim())
        .findFirst()
        .orElseThrow(() -> new IOException("no Sec-WebSocket-Key in " + head));
    send(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
        + WebSocketUpgrade.acceptFor(key) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
  }

  /** Reads the upgrade request and answers {@code statusLine} (e.g. {@code HTTP/1.1 503 Service Unavailable}). */
  void rejectUpgrade(String statusLine) throws IOException {
    readRequestHead();
    send((statusLine + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
  }

  String readRequestHead() throws IOException {
    return RawWebSocket.readHttpHead(in);
  }

  /** The next frame from the client, which must be masked. */
  Frame readFrame() throws IOException {
    return readClientFrame(in);
  }

  /** A masked frame as a server reads it, unmasked. */
  static Frame readClientFrame(DataInputStream in) throws IOException {
    int b0 = in.readUnsignedByte();
    int b1 = in.readUnsignedByte();
    if ((b1 & 0x80) == 0) {
      throw new IOException("a client frame must be masked");
    }
    long length = b1 & 0x7f;
    if (length == 126) {
      length = in.readUnsignedShort();
    } else if (length == 127) {
      length = in.readLong();
    }
    byte[] mask = new byte[4];
    in.readFully(mask);
    byte[] payload = new byte[Math.toIntExact(length)];
    in.readFully(payload);
    for (int i = 0; i < payload.length; i++) {
      payload[i] ^= mask[i & 3];
    }
    return new Frame(b0 & 0x0f, payload);
  }

  /** Reads a text frame and answers it as our server does ({@link EchoReply#to}); returns what was sent. */
  String echoOne() throws IOException {
    Frame frame = readFrame();
    if (frame.opcode() != TEXT) {
      throw new IOException("expected a text frame, got opcode " + frame.opcode());
    }
    sendText(EchoReply.to(frame.text()));
    return frame.text();
  }

  void sendText(String text) throws IOException {
    send(frame(TEXT, true, text.getBytes(StandardCharsets.UTF_8)));
  }

  void sendClose(int code, String reason) throws IOException {
    byte[] text = reason.getBytes(StandardCharsets.UTF_8);
    byte[] payload = new byte[2 + text.length];
    payload[0] = (byte) (code >>> 8);
    payload[1] = (byte) code;
    System.arraycopy(text, 0, payload, 2, text.length);
    send(frame(CLOSE, true, payload));
  }

  void send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** An unmasked server frame, in the shortest length encoding. */
  static byte[] frame(int opcode, boolean fin, byte[] payload) {
    ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 10);
    frame.write((fin ? 0x80 : 0) | opcode);
    int length = payload.length;
    if (length < 126) {
      frame.write(length);
    } else if (length < 65_536) {
      frame.write(126);
      frame.write(length >>> 8);
      frame.write(length);
    } else {
      frame.write(127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame.write((int) ((long) length >>> shift));
      }
    }
    frame.write(payload, 0, length);
    return frame.toByteArray();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
