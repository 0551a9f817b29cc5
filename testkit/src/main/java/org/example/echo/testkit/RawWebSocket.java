package org.example.echo.testkit;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.example.echo.common.WebSocketUpgrade;

/**
 * A deliberately dumb WebSocket client on a plain socket, for what a real client refuses to do: send invalid
 * UTF-8, break the protocol, or never read its replies.
 */
public final class RawWebSocket implements AutoCloseable {

  public static final int TEXT = 0x1;
  public static final int BINARY = 0x2;
  public static final int CLOSE = 0x8;
  public static final int PING = 0x9;

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private String handshakeResponse = "";

  private RawWebSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** Connects and upgrades; {@code receiveBuffer} > 0 shrinks the socket's receive buffer (slow reader). */
  public static RawWebSocket connect(int port, int receiveBuffer) throws IOException {
    return connect(port, receiveBuffer, "");
  }

  /** Like {@link #connect(int, int)}, with more request header lines, each ending in CRLF. */
  public static RawWebSocket connect(int port, int receiveBuffer, String extraHeaders) throws IOException {
    Socket socket = new Socket();
    if (receiveBuffer > 0) {
      socket.setReceiveBufferSize(receiveBuffer);
    }
    socket.setSoTimeout(10_000);
    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
    RawWebSocket ws = new RawWebSocket(socket);
    try {
      ws.handshake(port, extraHeaders);
    } catch (IOException e) {
      socket.close();
      throw e;
    }
    return ws;
  }

  private void handshake(int port, String extraHeaders) throws IOException {
    String key = WebSocketUpgrade.newKey();
    out.write(WebSocketUpgrade.request(URI.create("ws://127.0.0.1:" + port + "/"), key, extraHeaders));
    out.flush();
    String head = readHttpHead(in);
    handshakeResponse = head;
    Optional<String> refused = WebSocketUpgrade.whyNotAccepted(head, key);
    if (refused.isPresent()) {
      throw new IOException(refused.get());
    }
  }

  /** The server's 101 response: status line and headers. */
  public String handshakeResponse() {
    return handshakeResponse;
  }

  public static String readHttpHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4 && head.size() < 16_384) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed during handshake");
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  /** Sends one masked frame, as a client must. */
  public void sendFrame(int opcode, byte[] payload, boolean fin) throws IOException {
    ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
    frame.write((fin ? 0x80 : 0) | opcode);
    int len = payload.length;
    if (len < 126) {
      frame.write(0x80 | len);
    } else if (len < 65_536) {
      frame.write(0x80 | 126);
      frame.write(len >>> 8);
      frame.write(len);
    } else {
      frame.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame.write((int) ((long) len >>> shift));
      }
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    frame.write(mask, 0, 4);
    for (int i = 0; i < len; i++) {
      frame.write(payload[i] ^ mask[i % 4]);
    }
    out.write(frame.toByteArray());
    out.flush();
  }

  /** Sends raw bytes, for frames no client would build. */
  public void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Reads whatever bytes have arrived (at least one, blocking up to the socket timeout); -1 at the end. */
  public int readRaw(byte[] into) throws IOException {
    return in.read(into);
  }

  /** A masked frame as bytes, for sending the same frame many times without building it each time. */
  public static byte[] encodeFrame(int opcode, byte[] payload) {
    ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
    frame.write(0x80 | opcode);
    int len = payload.length;
    if (len < 126) {
      frame.write(0x80 | len);
    } else if (len < 65_536) {
      frame.write(0x80 | 126);
      frame.write(len >>> 8);
      frame.write(len);
    } else {
      frame.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame.write((int) ((long) len >>> shift));
      }
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    frame.write(mask, 0, 4);
    for (int i = 0; i < len; i++) {
      frame.write(payload[i] ^ mask[i % 4]);
    }
    return frame.toByteArray();
  }

  /** One frame from the server; the array is never shared, so record equality does not matter here. */
  @SuppressWarnings("ArrayRecordComponent")
  public record Frame(int opcode, byte[] payload) {
    public String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    /** The status code of a close frame, or 1005 when it carries none. */
    public int closeCode() {
      return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
    }
  }

  public Frame readFrame() throws IOException {
    int b0 = in.readUnsignedByte();
    int b1 = in.readUnsignedByte();
    long len = b1 & 0x7f;
    if (len == 126) {
      len = in.readUnsignedShort();
    } else if (len == 127) {
      len = in.readLong();
    }
    if (len > 1 << 20) {
      throw new IOException("frame too large for a test: " + len);
    }
    byte[] payload = new byte[(int) len];
    in.readFully(payload);
    return new Frame(b0 & 0x0f, payload);
  }

  /** Reads frames until a close frame and returns its code (bounded by the socket timeout). */
  public int readCloseCode() throws IOException {
    for (int i = 0; i < 10_000; i++) {
      Frame frame = readFrame();
      if (frame.opcode() == CLOSE) {
        return frame.closeCode();
      }
    }
    throw new IOException("no close frame in 10,000 frames");
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
