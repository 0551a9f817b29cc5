package org.example.echo.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.example.echo.common.EchoReply;
import org.example.echo.common.WebSocketUpgrade;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The NIO client's protocol, one connection against a {@link WebSocketPeer} that sends exactly the bytes each test
 * needs. The selector is driven on the test thread, as NioEchoClient drives it.
 */
class NioConnectionTest {
  private static final String TEXT = "hello";

  private Recorder driver;
  private final ByteBuffer in = ByteBuffer.allocateDirect(4 * NioConnection.MAX_INPUT);
  private ServerSocket server;
  private Selector selector;
  private NioConnection connection;
  private WebSocketPeer peer;
  private int reads;

  @AfterEach
  void closeAll() throws IOException {
    if (connection != null) {
      connection.end();
    }
    if (peer != null) {
      peer.close();
    }
    if (selector != null) {
      selector.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void anEchoIsTimedFromTheMaskedTextFrameToTheReplyEndingWithIt() throws IOException {
    open(TEXT);

    connection.sendEcho();
    WebSocketPeer.Frame sent = peer.readFrame();
    peer.sendText(EchoReply.to(TEXT));
    pumpUntil(() -> !driver.echoes.isEmpty());

    assertThat(sent.opcode()).isEqualTo(WebSocketPeer.TEXT);
    assertThat(sent.text()).isEqualTo(TEXT);
    assertThat(driver.echoes).singleElement().satisfies(nanos -> assertThat(nanos).isPositive());
    assertThat(connection.awaitingEcho()).isFalse();
    assertThat(driver.failures).isEmpty();
  }

  @Test
  void aReplySplitAcrossReadsIsPutTogether() throws IOException {
    String text = "x".repeat(300); // the reply needs the 16-bit length, itself split
    open(text);
    byte[] reply = WebSocketPeer.frame(WebSocketPeer.TEXT, true, EchoReply.to(text).getBytes(StandardCharsets.UTF_8));

    connection.sendEcho();
    peer.readFrame();
    sendAndAwaitRead(Arrays.copyOfRange(reply, 0, 3));
    sendAndAwaitRead(Arrays.copyOfRange(reply, 3, 100));
    assertThat(driver.echoes).isEmpty();
    peer.send(Arrays.copyOfRange(reply, 100, reply.length));
    pumpUntil(() -> !driver.echoes.isEmpty());

    assertThat(driver.failures).isEmpty();
  }

  @Test
  void anUpgradeResponseSplitAcrossReadsIsPutTogether() throws IOException {
    listenAndDial(TEXT);
    String key = upgradeKeyOf(peer.readRequestHead());
    byte[] response = ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Accept: " + WebSocketUpgrade.acceptFor(key) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    sendAndAwaitRead(Arrays.copyOfRange(response, 0, 20));
    assertThat(connection.phase()).isEqualTo(NioConnection.ProtocolPhase.UPGRADING);
    peer.send(Arrays.copyOfRange(response, 20, response.length));
    pumpUntil(() -> driver.established == 1);

    assertThat(connection.phase()).isEqualTo(NioConnection.ProtocolPhase.OPEN);
    assertThat(connection.handshakeNanos()).isPositive();
  }

  @Test
  void aPingIsAnsweredWithAPongOfTheSamePayloadAndAnUnaskedPongIsIgnored() throws IOException {
    open(TEXT);

    peer.send(WebSocketPeer.frame(WebSocketPeer.PING, true, "are you there".getBytes(StandardCharsets.UTF_8)));
    pumpUntil(() -> reads > 0);
    WebSocketPeer.Frame pong = peer.readFrame();
    peer.send(WebSocketPeer.frame(WebSocketPeer.PONG, true, new byte[0]));
    connection.sendEcho();
    peer.readFrame();
    peer.sendText(TEXT); // a plain echo server's reply counts too
    pumpUntil(() -> !driver.echoes.isEmpty());

    assertThat(pong.opcode()).isEqualTo(WebSocketPeer.PONG);
    assertThat(pong.text()).isEqualTo("are you there");
    assertThat(driver.failures).isEmpty();
  }

  @Test
  void aReplyThatDoesNotEndWithTheTextSentFailsTheEstablishedConnection() throws IOException {
    open(TEXT);

    connection.sendEcho();
    peer.readFrame();
    peer.sendText(EchoReply.to("something else"));
    pumpUntilFailed();

    assertThat(driver.failures).containsExactly("established: reply does not end with the text sent: echo: something else");
    assertThat(connection.phase()).isEqualTo(NioConnection.ProtocolPhase.ENDED);
  }

  @Test
  void aTextNobodyAskedForIsAFailure() throws IOException {
    open(TEXT);

    peer.sendText(EchoReply.to(TEXT));
    pumpUntilFailed();

    assertThat(driver.failures).containsExactly("established: a text message arrived that nobody asked for");
  }

  @Test
  void binaryAndFragmentedRepliesAreRefused() throws IOException {
    byte[] text = TEXT.getBytes(StandardCharsets.UTF_8);

    assertThat(failureAfter(WebSocketPeer.frame(WebSocketPeer.BINARY, true, text)))
        .isEqualTo("established: unexpected binary reply");
    assertThat(failureAfter(WebSocketPeer.frame(WebSocketPeer.TEXT, false, text)))
        .isEqualTo("established: fragmented reply: the NIO client expects each echo in one frame");
  }

  @Test
  void protocolErrorsOfTheServerFailTheConnection() throws IOException {
    byte[] masked = {(byte) 0x81, (byte) 0x80, 1, 2, 3, 4};
    assertThat(failureAfter(masked)).isEqualTo("established: protocol error: the server sent a masked frame");
    assertThat(failureAfter(WebSocketPeer.frame(0x3, true, new byte[0])))
        .isEqualTo("established: protocol error: opcode 3");
  }

  @Test
  void aFrameLargerThanTheInputLimitIsRefusedFromItsHeader() throws IOException {
    byte[] header = {(byte) 0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0}; // 65,536 bytes announced, none sent

    assertThat(failureAfter(header)).isEqualTo("established: frame of 65536 bytes; the NIO client takes at most 16374");
  }

  @Test
  void aCloseFromThePeerIsAFailureWithItsCodeAndReason() throws IOException {
    open(TEXT);

    peer.sendClose(1001, "going away");
    pumpUntilFailed();

    assertThat(driver.failures).containsExactly("established: closed by the peer: 1001 going away");
  }

  @Test
  void aCloseWithoutACodeReadsAsNoStatus() throws IOException {
    assertThat(failureAfter(WebSocketPeer.frame(WebSocketPeer.CLOSE, true, new byte[0])))
        .isEqualTo("established: closed by the peer: 1005 ");
  }

  @Test
  void thePeerHangingUpWithoutACloseFrameIsAFailure() throws IOException {
    open(TEXT);

    peer.close();
    pumpUntilFailed();

    assertThat(driver.failures).containsExactly("established: connection closed by the peer without a close frame");
  }

  @Test
  void thePeerHangingUpDuringTheUpgradeIsADialFailure() throws IOException {
    listenAndDial(TEXT);

    peer.readRequestHead();
    peer.close();
    pumpUntilFailed();

    assertThat(driver.failures)
        .containsExactly("dial: connection closed by the peer without a close frame during the upgrade");
    assertThat(driver.established).isZero();
  }

  @Test
  void aRejectedUpgradeIsADialFailureNamingTheStatus() throws IOException {
    listenAndDial(TEXT);

    peer.rejectUpgrade("HTTP/1.1 503 Service Unavailable");
    pumpUntilFailed();

    assertThat(driver.failures).containsExactly("dial: upgrade rejected: HTTP/1.1 503 Service Unavailable");
  }

  @Test
  void anUpgradeResponseThatNeverEndsIsCutOffAtTheInputLimit() throws IOException {
    listenAndDial(TEXT);

    peer.readRequestHead();
    peer.send(("HTTP/1.1 101 Switching Protocols\r\nX-Padding: " + "x".repeat(NioConnection.MAX_INPUT))
        .getBytes(StandardCharsets.US_ASCII));
    pumpUntilFailed();

    assertThat(driver.failures).containsExactly("dial: more than 16384 bytes without a complete upgrade response");
  }

  @Test
  void ourCloseHandshakeEndsTheConnectionWithoutAFailure() throws IOException {
    open(TEXT);

    connection.startClose();
    WebSocketPeer.Frame close = peer.readFrame();
    peer.sendClose(1000, "");
    pumpUntil(() -> connection.phase() == NioConnection.ProtocolPhase.ENDED);

    assertThat(close.opcode()).isEqualTo(WebSocketPeer.CLOSE);
    assertThat(close.closeCode()).isEqualTo(1000);
    assertThat(connection.closeSent()).isTrue();
    assertThat(driver.failures).isEmpty();
  }

  @Test
  void aPeerThatHangsUpOnOurCloseIsNoFailureEither() throws IOException {
    open(TEXT);

    connection.startClose();
    peer.readFrame();
    peer.close();
    pumpUntil(() -> connection.phase() == NioConnection.ProtocolPhase.ENDED);

    assertThat(driver.failures).isEmpty();
  }

  /** Opens a fresh connection, sends {@code bytes} from the peer, and returns the one failure they caused. */
  private String failureAfter(byte[] bytes) throws IOException {
    closeAll();
    open(TEXT);
    connection.sendEcho();
    peer.readFrame();
    peer.send(bytes);
    pumpUntilFailed();
    assertThat(driver.failures).hasSize(1);
    return driver.failures.get(0);
  }

  /** Connects, upgrades and waits until the connection is open. */
  private void open(String text) throws IOException {
    listenAndDial(text);
    peer.acceptUpgrade();
    pumpUntil(() -> driver.established == 1);
  }

  private void listenAndDial(String text) throws IOException {
    driver = new Recorder();
    reads = 0;
    server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    selector = Selector.open();
    SocketChannel channel = SocketChannel.open();
    channel.configureBlocking(false);
    boolean connected = channel.connect(server.getLocalSocketAddress());
    SelectionKey key = channel.register(selector, connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT);
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    byte[] frame = WebSocketWire.maskedFrame(WebSocketWire.OP_TEXT, payload);
    connection = new NioConnection(0, driver, ByteBuffer.allocateDirect(frame.length).put(frame).flip(), payload);
    String upgradeKey = WebSocketUpgrade.newKey();
    URI uri = URI.create("ws://127.0.0.1:" + server.getLocalPort() + "/");
    connection.dial(channel, key, connected, upgradeKey, ByteBuffer.wrap(WebSocketUpgrade.request(uri, upgradeKey)));
    peer = new WebSocketPeer(server.accept());
    pumpUntil(() -> connection.phase() == NioConnection.ProtocolPhase.UPGRADING);
  }

  private static String upgradeKeyOf(String head) {
    return head.lines()
        .filter(line -> line.startsWith("Sec-WebSocket-Key: "))
        .map(line -> line.substring("Sec-WebSocket-Key: ".length()))
        .findFirst()
        .orElseThrow();
  }

  /** Sends {@code bytes} from the peer and waits until the client has read (something) once more. */
  private void sendAndAwaitRead(byte[] bytes) throws IOException {
    int before = reads;
    peer.send(bytes);
    pumpUntil(() -> reads > before);
  }

  private void pumpUntilFailed() {
    pumpUntil(() -> !driver.failures.isEmpty());
  }

  /** Drives the selector on this thread, as the client does, until {@code done} or 5 s. */
  private void pumpUntil(BooleanSupplier done) {
    await().atMost(Duration.ofSeconds(5)).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
        .until(() -> {
          selector.select(key -> {
            if (key.isValid() && key.isReadable()) {
              reads++;
            }
            connection.onReady(in);
          }, 10);
          return done.getAsBoolean();
        });
  }

  /** What NioEchoClient would hear. */
  private static final class Recorder implements NioConnection.Driver {
    int established;
    final List<Long> echoes = new ArrayList<>();
    final List<String> failures = new ArrayList<>();

    @Override
    public void established(NioConnection connection) {
      established++;
    }

    @Override
    public void echoed(NioConnection connection, long nanos) {
      echoes.add(nanos);
    }

    @Override
    public void failed(NioConnection connection, boolean wasEstablished) {
      failures.add((wasEstablished ? "established: " : "dial: ") + connection.problem());
    }
  }
}
