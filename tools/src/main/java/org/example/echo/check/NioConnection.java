package org.example.echo.check;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.example.echo.common.WebSocketUpgrade;

/**
 * One connection of the NIO client: TCP connect, upgrade, then echoes of one pre-encoded frame, one at a time.
 * Touched only by the selector thread, so nothing here is synchronized. Input is read into the selector's shared
 * buffer; only a partial frame (rare for small echoes) is copied aside until the rest arrives.
 */
final class NioConnection {

  /**
   * The client that drives this connection (NioEchoClient): told when it is established, echoed or broken, it
   * decides what the connection sends next.
   */
  interface Driver {
    void established(NioConnection connection);

    /** An echo came back, {@code nanos} after its frame was written. */
    void echoed(NioConnection connection, long nanos);

    /** The dial failed (never established) or the established connection broke; {@link #problem()} says how. */
    void failed(NioConnection connection, boolean wasEstablished);
  }

  /** Where the connection is on its way: TCP connect, HTTP upgrade, WebSocket frames, socket closed. */
  enum ProtocolPhase { NOT_INITIATED, CONNECTING, UPGRADING, OPEN, ENDED }

  /** Larger upgrade responses or frames are not what an echo server sends to a load generator. */
  static final int MAX_INPUT = 16_384;
  private static final byte[] HEADER_END = {'\r', '\n', '\r', '\n'};

  final int id;
  private final Driver driver;
  private final ByteBuffer message;
  private final byte[] expectedTail;
  private SocketChannel channel;
  private SelectionKey key;
  private ProtocolPhase phase = ProtocolPhase.NOT_INITIATED;
  private String upgradeKey = "";
  private ByteBuffer pendingOutput;
  private byte[] pendingInput = new byte[0];
  private int pendingLength;
  private long phaseStartNanos;
  private long sentAtNanos;
  private boolean awaitingEcho;
  private boolean closeSent;
  private long handshakeNanos = -1;
  private String problem = "";
  private boolean resetWhenFailed;

  /**
   * @param frame the pre-encoded masked text frame every echo sends (shared, never written to)
   * @param payload its unmasked text: a reply counts as an echo if it ends with it
   */
  NioConnection(int id, Driver driver, ByteBuffer frame, byte[] payload) {
    this.id = id;
    this.driver = driver;
    this.message = frame.duplicate();
    this.expectedTail = payload;
  }

  ProtocolPhase phase() {
    return phase;
  }

  long handshakeNanos() {
    return handshakeNanos;
  }

  String problem() {
    return problem;
  }

  boolean awaitingEcho() {
    return awaitingEcho;
  }

  /** Start of the dial while dialling, of the last send while an echo is awaited: for timeouts. */
  long waitingSinceNanos() {
    return awaitingEcho ? sentAtNanos : phaseStartNanos;
  }

  /**
   * Opens a non-blocking socket to {@code address} (bound to {@code source} unless null), registers it with
   * {@code selector} and starts the dial: TCP connect, then the upgrade request for {@code uri}. On an I/O error
   * the socket is closed and the error thrown; the caller fails the connection with it.
   */
  void open(Selector selector, InetSocketAddress address, InetAddress source, URI uri) throws IOException {
    SocketChannel socket = SocketChannel.open();
    try {
      socket.configureBlocking(false);
      socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
      if (source != null) {
        socket.bind(new InetSocketAddress(source, 0));
      }
      boolean connected = socket.connect(address);
      SelectionKey selectionKey =
          socket.register(selector, connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, this);
      String secWebSocketKey = WebSocketUpgrade.newKey();
      dial(socket, selectionKey, connected, secWebSocketKey,
          ByteBuffer.wrap(WebSocketUpgrade.request(uri, secWebSocketKey)));
    } catch (IOException e) {
      try {
        socket.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /**
   * @param secWebSocketKey the key {@code request} carries; the server's answer must accept it
   * @param request the upgrade request, written once the TCP connection is up
   */
  void dial(SocketChannel socket, SelectionKey selectionKey, boolean connected, String secWebSocketKey,
      ByteBuffer request) throws IOException {
    this.channel = socket;
    this.key = selectionKey;
    this.upgradeKey = secWebSocketKey;
    this.pendingOutput = request;
    this.phaseStartNanos = System.nanoTime();
    phase = ProtocolPhase.CONNECTING;
    if (connected) {
      connected();
    }
  }

  /**
   * Handles what the selector found ready on this connection's socket: connect, write, read (into {@code in},
   * the selector's shared buffer). An I/O error fails the connection.
   */
  void onReady(ByteBuffer in) {
    try {
      if (key.isValid() && key.isConnectable()) {
        onConnectable();
      }
      if (key.isValid() && key.isWritable()) {
        flush();
      }
      if (key.isValid() && key.isReadable()) {
        onReadable(in);
      }
    } catch (IOException e) {
      fail(Failures.describe(e));
    }
  }

  private void onConnectable() throws IOException {
    if (channel.finishConnect()) {
      connected();
    }
  }

  private void connected() throws IOException {
    phase = ProtocolPhase.UPGRADING;
    key.interestOps(SelectionKey.OP_READ);
    flush();
  }

  /** Writes the echo frame; the reply is timed from here. */
  void sendEcho() throws IOException {
    awaitingEcho = true;
    sentAtNanos = System.nanoTime();
    message.rewind(); // the limit stays at the frame's end
    pendingOutput = message;
    flush();
  }

  private void flush() throws IOException {
    ByteBuffer out = pendingOutput;
    if (out == null) {
      return;
    }
    channel.write(out);
    if (out.hasRemaining()) {
      key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
    } else {
      pendingOutput = null;
      if ((key.interestOps() & SelectionKey.OP_WRITE) != 0) {
        key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
      }
    }
  }

  /** Reads what arrived into {@code in} (the selector's buffer, cleared) and handles every complete unit. */
  private void onReadable(ByteBuffer in) throws IOException {
    in.clear();
    if (pendingLength > 0) {
      in.put(pendingInput, 0, pendingLength);
      pendingLength = 0;
    }
    int read = channel.read(in);
    in.flip();
    if (phase == ProtocolPhase.UPGRADING) {
      readUpgradeResponse(in);
    }
    while (phase == ProtocolPhase.OPEN && readFrame(in)) {
      // one frame handled per pass
    }
    if (phase == ProtocolPhase.ENDED) {
      return;
    }
    if (in.hasRemaining()) {
      keepPartial(in);
    }
    if (read < 0 && closeSent) {
      end();
    } else if (read < 0) {
      fail("connection closed by the peer without a close frame" + (phase == ProtocolPhase.OPEN ? "" : " during the upgrade"));
    }
  }

  private void keepPartial(ByteBuffer in) {
    int left = in.remaining();
    if (left > MAX_INPUT) {
      fail("more than " + MAX_INPUT + " bytes without a complete " + (phase == ProtocolPhase.OPEN ? "frame" : "upgrade response"));
      return;
    }
    if (pendingInput.length < left) {
      pendingInput = new byte[MAX_INPUT];
    }
    in.get(pendingInput, 0, left);
    pendingLength = left;
  }

  private void readUpgradeResponse(ByteBuffer in) {
    int end = indexOf(in, HEADER_END);
    if (end < 0) {
      return;
    }
    byte[] head = new byte[end - in.position()];
    in.get(head);
    in.position(in.position() + HEADER_END.length);
    Optional<String> refused =
        WebSocketUpgrade.whyNotAccepted(new String(head, StandardCharsets.ISO_8859_1), upgradeKey);
    if (refused.isPresent()) {
      fail(refused.get());
      return;
    }
    phase = ProtocolPhase.OPEN;
    handshakeNanos = System.nanoTime() - phaseStartNanos;
    driver.established(this);
  }

  /** Handles one complete server frame at the buffer's position; false if none is complete yet. */
  private boolean readFrame(ByteBuffer in) throws IOException {
    int start = in.position();
    if (in.remaining() < 2) {
      return false;
    }
    int b0 = in.get(start) & 0xFF;
    int b1 = in.get(start + 1) & 0xFF;
    if ((b1 & 0x80) != 0) {
      fail("protocol error: the server sent a masked frame");
      return false;
    }
    int headerLength = 2;
    long length = b1 & 0x7F;
    if (length == 126) {
      headerLength = 4;
      if (in.remaining() < headerLength) {
        return false;
      }
      length = in.getShort(start + 2) & 0xFFFF;
    } else if (length == 127) {
      headerLength = 10;
      if (in.remaining() < headerLength) {
        return false;
      }
      length = in.getLong(start + 2);
    }
    if (length > MAX_INPUT - headerLength) {
      fail("frame of " + length + " bytes; the NIO client takes at most " + (MAX_INPUT - headerLength));
      return false;
    }
    if (in.remaining() < headerLength + length) {
      return false;
    }
    int payloadStart = start + headerLength;
    int payloadLength = (int) length;
    in.position(payloadStart + payloadLength);
    boolean fin = (b0 & 0x80) != 0;
    int opcode = b0 & 0x0F;
    switch (opcode) {
      case WebSocketWire.OP_TEXT, WebSocketWire.OP_BINARY, WebSocketWire.OP_CONTINUATION ->
          onMessage(in, payloadStart, payloadLength, fin, opcode);
      case WebSocketWire.OP_CLOSE -> onClose(in, payloadStart, payloadLength);
      case WebSocketWire.OP_PING -> {
        byte[] ping = new byte[payloadLength];
        in.get(payloadStart, ping);
        pendingOutput = ByteBuffer.wrap(WebSocketWire.maskedFrame(WebSocketWire.OP_PONG, ping));
        flush();
      }
      case WebSocketWire.OP_PONG -> {
        // unsolicited pongs are allowed and mean nothing
      }
      default -> fail("protocol error: opcode " + opcode);
    }
    return true;
  }

  private void onMessage(ByteBuffer in, int start, int length, boolean fin, int opcode) {
    if (!fin || opcode != WebSocketWire.OP_TEXT) {
      fail(fin ? "unexpected binary reply" : "fragmented reply: the NIO client expects each echo in one frame");
      return;
    }
    if (!awaitingEcho) {
      fail("a text message arrived that nobody asked for");
      return;
    }
    if (!endsWithExpected(in, start, length)) {
      byte[] got = new byte[Math.min(length, 80)];
      in.get(start, got);
      fail("reply does not end with the text sent: " + new String(got, StandardCharsets.UTF_8));
      return;
    }
    awaitingEcho = false;
    driver.echoed(this, System.nanoTime() - sentAtNanos);
  }

  /** {@link EchoMatch} on the frame's bytes, so that no echo is decoded into a String. */
  private boolean endsWithExpected(ByteBuffer in, int start, int length) {
    int offset = start + length - expectedTail.length;
    if (offset < start) {
      return false;
    }
    for (int i = 0; i < expectedTail.length; i++) {
      if (in.get(offset + i) != expectedTail[i]) {
        return false;
      }
    }
    return true;
  }

  private void onClose(ByteBuffer in, int start, int length) {
    if (closeSent) {
      end();
      return;
    }
    int code = length >= 2 ? in.getShort(start) & 0xFFFF : 1005;
    byte[] reason = new byte[Math.max(0, length - 2)];
    if (reason.length > 0) {
      in.get(start + 2, reason);
    }
    fail("closed by the peer: " + code + " " + new String(reason, StandardCharsets.UTF_8));
  }

  /** Starts our close handshake (1000); {@link #end()} follows when the server answers or the grace ends. */
  void startClose() {
    if (phase != ProtocolPhase.OPEN || closeSent) {
      end();
      return;
    }
    closeSent = true;
    awaitingEcho = false;
    pendingOutput = ByteBuffer.wrap(WebSocketWire.maskedClose(1000));
    try {
      flush();
    } catch (IOException e) {
      end();
    }
  }

  boolean closeSent() {
    return closeSent;
  }

  /**
   * A failed connection's socket is then closed with a reset (SO_LINGER 0) rather than a FIN, so it leaves no
   * TIME_WAIT behind. For a client that plays thousands of clients from one host: real ones each have their own
   * ports, but here every dial that times out or is refused would hold one of this host's ~28,000 ephemeral
   * ports to the server for a minute, and a reconnect storm runs out of them (EADDRNOTAVAIL).
   */
  void resetWhenFailed() {
    resetWhenFailed = true;
  }

  /** Marks the connection failed with {@code why} and closes its socket. */
  void fail(String why) {
    if (phase == ProtocolPhase.ENDED) {
      return;
    }
    if (closeSent) {
      end(); // our own close handshake ending untidily is not the server's failure
      return;
    }
    boolean wasEstablished = phase == ProtocolPhase.OPEN;
    problem = why;
    if (resetWhenFailed && channel != null && channel.isOpen()) {
      try {
        channel.setOption(StandardSocketOptions.SO_LINGER, 0);
      } catch (IOException e) {
        // the socket is going anyway; it closes with a FIN then
      }
    }
    end();
    driver.failed(this, wasEstablished);
  }

  /** Closes the socket without further ado. */
  void end() {
    phase = ProtocolPhase.ENDED;
    awaitingEcho = false;
    if (key != null) {
      key.cancel();
    }
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // closing a socket we no longer need: nothing to report
      }
    }
  }

  private static int indexOf(ByteBuffer in, byte[] needle) {
    int last = in.limit() - needle.length;
    outer:
    for (int i = in.position(); i <= last; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (in.get(i + j) != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Override
  public String toString() {
    return "connection " + id + (problem.isEmpty() ? "" : ": " + problem);
  }
}
