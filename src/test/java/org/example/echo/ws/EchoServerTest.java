package org.example.echo.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.AbstractEndPoint;
import org.eclipse.jetty.util.thread.Invocable.InvocationType;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.exceptions.UpgradeException;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.eclipse.jetty.websocket.core.WebSocketConnection;
import org.example.echo.common.EchoReply;
import org.example.echo.core.RoleStatus;
import org.example.echo.testkit.EchoClient;
import org.example.echo.testkit.RawWebSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/** The real server in-process on a free port, spoken to by real WebSocket clients; plain HTTP: HttpRoutesTest. */
class EchoServerTest {

  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final int CONTINUATION = 0x0;
  private static final int PONG = 0xa;
  private static WebSocketClient client;
  private final List<EchoServer> servers = new ArrayList<>();

  @BeforeAll
  static void startClient() throws Exception {
    client = new WebSocketClient();
    // Replies to the "no read limit" test are larger than the client's own 64 KB default.
    client.setMaxTextMessageSize(1 << 20);
    client.start();
  }

  @AfterAll
  static void stopClient() throws Exception {
    client.stop();
  }

  @AfterEach
  void stopServers() {
    servers.forEach(s -> s.shutdown(Duration.ofSeconds(1)));
  }

  private EchoServer serving(EchoSettings settings) throws Exception {
    EchoServer server = new EchoServer(settings, () -> RoleStatus.standalone(Instant.EPOCH));
    servers.add(server);
    server.start();
    server.gate().open();
    return server;
  }

  private EchoServer serving() throws Exception {
    return serving(new LoopbackSettings().build());
  }

  private static URI uri(EchoServer server) {
    return URI.create("ws://127.0.0.1:" + server.port() + "/");
  }

  private static void assertStillServes(EchoServer server) throws Exception {
    EchoClient other = EchoClient.connect(client, uri(server));
    assertThat(other.echo("still there?", WAIT)).isEqualTo(EchoReply.to("still there?"));
    other.close();
  }

  @Test
  void echoesTextWithPrefix() throws Exception {
    EchoClient c = EchoClient.connect(client, uri(serving()));
    assertThat(c.echo("hello", WAIT)).isEqualTo(EchoReply.to("hello"));
    assertThat(c.echo("", WAIT)).isEqualTo(EchoReply.to(""));
    assertThat(c.echo("grüße ✓", WAIT)).isEqualTo(EchoReply.to("grüße ✓"));
  }

  @Test
  void theUpgradeNamesTheServingInstance() throws Exception {
    EchoServer server = serving();
    EchoClient c = EchoClient.connect(client, uri(server));
    assertThat(c.session().getUpgradeResponse().getHeader(EchoServer.INSTANCE_HEADER))
        .isEqualTo("127.0.0.1:" + server.port());
    c.close();
  }

  @Test
  void webSocketReadsAreCompletedOnTheSelectorThread() throws Exception {
    EchoServer server = serving();
    EchoClient c = EchoClient.connect(client, uri(server));
    assertThat(c.echo("hello", WAIT)).isEqualTo(EchoReply.to("hello"));
    // Idle after the echo, the connection waits for its next frame with a read callback the selector may run
    // itself; Jetty's own would be BLOCKING and handed to the thread pool (see InlineReadEndPoint).
    await().atMost(WAIT).untilAsserted(() -> assertThat(server.endPoints())
        .filteredOn(e -> e.getConnection() instanceof WebSocketConnection)
        .singleElement()
        .satisfies(e -> {
          assertThat(e).isInstanceOf(InlineReadEndPoint.class);
          assertThat(((AbstractEndPoint) e).getFillInterest().isInterested()).isTrue();
          assertThat(((AbstractEndPoint) e).getFillInterest().getCallbackInvocationType())
              .isEqualTo(InvocationType.NON_BLOCKING);
        }));
    assertThat(c.echo("again", WAIT)).isEqualTo(EchoReply.to("again"));
  }

  @Test
  void echoesBinaryAsTheSameBytes() throws Exception {
    EchoClient c = EchoClient.connect(client, uri(serving()));
    byte[] bytes = {0, 1, 2, (byte) 0xff, (byte) 0xfe, 42};
    c.sendBinary(bytes);
    Object reply = c.next(WAIT);
    assertThat(reply).isInstanceOf(ByteBuffer.class);
    ByteBuffer buffer = (ByteBuffer) reply;
    byte[] echoed = new byte[buffer.remaining()];
    buffer.get(echoed);
    assertThat(echoed).containsExactly(bytes);
  }

  @Test
  void answersManyConcurrentClients() throws Exception {
    EchoServer server = serving();
    List<EchoClient> clients = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      clients.add(EchoClient.connect(client, uri(server)));
    }
    for (int i = 0; i < clients.size(); i++) {
      clients.get(i).sendText("n" + i);
    }
    for (int i = 0; i < clients.size(); i++) {
      assertThat(clients.get(i).next(WAIT)).isEqualTo(EchoReply.to("n" + i));
    }
    assertThat(server.openConnections()).isEqualTo(200);
  }

  @Test
  void messageOverReadLimitClosesWith1009AndOthersAreServed() throws Exception {
    EchoServer server = serving();
    EchoClient c = EchoClient.connect(client, uri(server));
    assertThat(c.echo("x".repeat(4096), WAIT)).isEqualTo(EchoReply.to("x".repeat(4096)));
    c.sendText("x".repeat(4097));
    assertThat(c.closed().get(5, TimeUnit.SECONDS).code()).isEqualTo(1009);

    EchoClient b = EchoClient.connect(client, uri(server));
    b.sendBinary(new byte[4097]);
    assertThat(b.closed().get(5, TimeUnit.SECONDS).code()).isEqualTo(1009);
    assertStillServes(server);
  }

  @Test
  void readLimitOfZeroAcceptsLargeMessages() throws Exception {
    EchoServer server = serving(new LoopbackSettings().readLimit(0).build());
    EchoClient c = EchoClient.connect(client, uri(server));
    String big = "y".repeat(200_000);
    assertThat(c.echo(big, WAIT)).isEqualTo(EchoReply.to(big));
  }

  /** "ok" and a broken two-byte sequence; "ok" and two of the three bytes of '€' (the message ends inside it). */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"6f6b c328", "6f6b e282"})
  void invalidUtf8ClosesWith1007AndOthersAreServed(String hex) throws Exception {
    byte[] payload = HexFormat.of().parseHex(hex.replace(" ", ""));
    EchoServer server = serving();
    try (RawWebSocket raw = RawWebSocket.connect(server.port(), 0)) {
      raw.sendFrame(RawWebSocket.TEXT, payload, true);
      assertThat(raw.readCloseCode()).isEqualTo(1007);
    }
    assertStillServes(server);
  }

  @Test
  void fragmentedTextIsEchoedAsOneMessageWithACharacterSplitBetweenFragments() throws Exception {
    EchoServer server = serving();
    byte[] text = "grüße ✓".getBytes(StandardCharsets.UTF_8);
    try (RawWebSocket raw = RawWebSocket.connect(server.port(), 0)) {
      raw.sendFrame(RawWebSocket.TEXT, Arrays.copyOfRange(text, 0, 3), false); // "gr" and half of 'ü'
      raw.sendFrame(RawWebSocket.PING, new byte[] {'p'}, true); // a control frame between fragments
      raw.sendFrame(CONTINUATION, Arrays.copyOfRange(text, 3, 7), false);
      raw.sendFrame(CONTINUATION, Arrays.copyOfRange(text, 7, text.length), true);
      RawWebSocket.Frame pong = raw.readFrame();
      assertThat(pong.opcode()).isEqualTo(PONG);
      assertThat(pong.payload()).containsExactly('p');
      RawWebSocket.Frame reply = raw.readFrame();
      assertThat(reply.opcode()).isEqualTo(RawWebSocket.TEXT);
      assertThat(reply.text()).isEqualTo(EchoReply.to("grüße ✓"));
      // The connection goes on: the next message is a message of its own.
      raw.sendFrame(RawWebSocket.TEXT, "next".getBytes(StandardCharsets.UTF_8), true);
      assertThat(raw.readFrame().text()).isEqualTo(EchoReply.to("next"));
    }
  }

  @Test
  void invalidUtf8InAnEarlierFragmentClosesWith1007() throws Exception {
    EchoServer server = serving();
    try (RawWebSocket raw = RawWebSocket.connect(server.port(), 0)) {
      raw.sendFrame(RawWebSocket.TEXT, new byte[] {'o', 'k', (byte) 0xc3}, false);
      raw.sendFrame(CONTINUATION, new byte[] {'(', 'f', 'i', 'n', 'e', ')'}, true);
      assertThat(raw.readCloseCode()).isEqualTo(1007);
    }
    assertStillServes(server);
  }

  @Test
  void fragmentedTextCountsAgainstTheReadLimitAsAWhole() throws Exception {
    EchoServer server = serving();
    try (RawWebSocket raw = RawWebSocket.connect(server.port(), 0)) {
      raw.sendFrame(RawWebSocket.TEXT, "x".repeat(3000).getBytes(StandardCharsets.UTF_8), false);
      raw.sendFrame(CONTINUATION, "x".repeat(1096).getBytes(StandardCharsets.UTF_8), true);
      assertThat(raw.readFrame().text()).isEqualTo(EchoReply.to("x".repeat(4096)));
      raw.sendFrame(RawWebSocket.TEXT, "x".repeat(3000).getBytes(StandardCharsets.UTF_8), false);
      raw.sendFrame(CONTINUATION, "x".repeat(1097).getBytes(StandardCharsets.UTF_8), true);
      assertThat(raw.readCloseCode()).isEqualTo(1009);
    }
    assertStillServes(server);
  }

  @Test
  void protocolViolationClosesWith1002AndOthersAreServed() throws Exception {
    EchoServer server = serving();
    try (RawWebSocket raw = RawWebSocket.connect(server.port(), 0)) {
      // An unmasked client frame breaks RFC 6455 section 5.1.
      raw.sendRaw(new byte[] {(byte) 0x81, 0x02, 'h', 'i'});
      assertThat(raw.readCloseCode()).isEqualTo(1002);
    }
    try (RawWebSocket raw = RawWebSocket.connect(server.port(), 0)) {
      raw.sendFrame(0x3, new byte[] {1}, true); // reserved opcode
      assertThat(raw.readCloseCode()).isEqualTo(1002);
    }
    assertStillServes(server);
  }

  @Test
  void silentClientIsClosedAfterIdleTimeout() throws Exception {
    EchoServer server = serving(new LoopbackSettings().idleTimeout(Duration.ofMillis(400)).build());
    EchoClient c = EchoClient.connect(client, uri(server));
    EchoClient.Closed closed = c.closed().get(5, TimeUnit.SECONDS);
    assertThat(closed.code()).isEqualTo(1001);
    assertThat(closed.reason()).containsIgnoringCase("idle");
  }

  @Test
  void clientThatPingsStaysConnectedPastIdleTimeout() throws Exception {
    EchoServer server = serving(new LoopbackSettings().idleTimeout(Duration.ofSeconds(1)).build());
    EchoClient pinging = EchoClient.connect(client, uri(server));
    EchoClient silent = EchoClient.connect(client, uri(server));
    AtomicInteger pings = new AtomicInteger();
    // Ping every 200 ms for 3 s (three idle timeouts); the silent client must be gone meanwhile.
    await()
        .pollInterval(Duration.ofMillis(200))
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(6))
        .until(
            () -> {
              pinging.session().sendPing(ByteBuffer.wrap(new byte[] {(byte) pings.incrementAndGet()}), Callback.NOOP);
              return pinging.isOpen();
            });
    assertThat(silent.closed()).isCompletedWithValueMatching(c -> c.code() == 1001);
    assertThat(pinging.echo("alive", WAIT)).isEqualTo(EchoReply.to("alive"));
  }

  @Test
  void clientThatDoesNotReadIsCutOffWithoutHarmingOthers() throws Exception {
    EchoServer server = serving(new LoopbackSettings().sendQueueLimit(8).build());
    EchoClient healthy = EchoClient.connect(client, uri(server));
    ListAppender<ILoggingEvent> logs = captureLogs(EchoEndpoint.class);
    byte[] message = "z".repeat(4000).getBytes(StandardCharsets.UTF_8);
    try (RawWebSocket slow = RawWebSocket.connect(server.port(), 4096)) {
      // Keep sending, never read: socket buffers fill, replies queue up, the server must cut us off.
      CompletableFuture<Integer> sent =
          CompletableFuture.supplyAsync(
              () -> {
                int n = 0;
                try {
                  for (; n < 100_000; n++) {
                    slow.sendFrame(RawWebSocket.TEXT, message, true);
                  }
                } catch (IOException expected) {
                  return n; // the server closed the connection
                }
                return n;
              });
      await().atMost(Duration.ofSeconds(15)).until(() -> server.openConnections() == 1);
      assertThat(sent.get(15, TimeUnit.SECONDS)).isLessThan(100_000);
    }
    assertThat(LogLines.messages(logs)).anyMatch(m -> m.contains("closing slow reader"));
    assertThat(healthy.echo("unaffected", WAIT)).isEqualTo(EchoReply.to("unaffected"));
  }

  @Test
  void shutdownClosesEveryClientWith1001() throws Exception {
    EchoServer server = serving();
    URI uri = uri(server); // the port reads -1 once stopped
    List<EchoClient> clients = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      clients.add(EchoClient.connect(client, uri));
    }
    server.shutdown(Duration.ofSeconds(3));
    for (EchoClient c : clients) {
      assertThat(c.closed().get(5, TimeUnit.SECONDS).code()).isEqualTo(1001);
    }
    assertThatThrownBy(() -> EchoClient.connect(client, uri)).isInstanceOf(ExecutionException.class);
  }

  @Test
  void stoppingDoesNotWaitForAnIdleConnection() throws Exception {
    EchoServer server = serving();
    // Plain HTTP answers close their connection (Responses); a connection opened ahead of its request (a
    // scraper's or a proxy's) is the idle one left.
    try (Socket scraper = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      scraper.setSoTimeout(5_000);
      await().atMost(Duration.ofSeconds(5)).until(() -> !server.endPoints().isEmpty());

      long start = System.nanoTime();
      server.stop(Duration.ofSeconds(4));

      // Jetty's default closes idle connections 1 s into a graceful stop: each SIGTERM waited for a scraper.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
      assertThat(scraper.getInputStream().read()).as("closed by the server").isEqualTo(-1);
    }
  }

  @Test
  void closedGateRefusesUpgradesWith503AndClosesOpenClients() throws Exception {
    EchoServer server = serving();
    EchoClient c = EchoClient.connect(client, uri(server));
    server.gate().close(1012, "service restart");
    assertThat(c.closed().get(5, TimeUnit.SECONDS)).isEqualTo(new EchoClient.Closed(1012, "service restart"));
    assertThat(server.gate().isOpen()).isFalse();
    assertThatThrownBy(() -> EchoClient.connect(client, uri(server)))
        .hasCauseInstanceOf(UpgradeException.class)
        .cause()
        .satisfies(x -> assertThat(((UpgradeException) x).getResponseStatusCode()).isEqualTo(503));
    server.gate().open();
    assertStillServes(server);
  }

  @Test
  void aRefusedUpgradeIsClosedByTheServerFirst() throws Exception {
    EchoServer server = serving();
    server.gate().close(1001, "not serving");
    // Read to the end: the server must close. Its side then holds the TIME_WAIT, not a proxy's ephemeral port.
    assertThat(RawUpgrade.answerUntilClosed(server.port())).startsWith("HTTP/1.1 503").contains("Connection: close")
        .endsWith("not serving: this instance is a standby\n");
  }

  @Test
  void browserFromAForeignOriginIsRefusedWith403AndLogged() throws Exception {
    EchoServer server = serving();
    ListAppender<ILoggingEvent> logs = captureLogs(EchoServer.class);
    assertThatThrownBy(() -> EchoClient.connect(client, uri(server), Map.of("Origin", "http://evil.example")))
        .cause()
        .isInstanceOf(UpgradeException.class)
        .satisfies(x -> assertThat(((UpgradeException) x).getResponseStatusCode()).isEqualTo(403));
    assertThat(LogLines.messages(logs))
        .anyMatch(m -> m.contains("origin \"http://evil.example\" is not allowed"));
    // The same origin (scheme, host and port of the Host header), and clients that send no Origin, are served.
    EchoClient sameHost =
        EchoClient.connect(client, uri(server), Map.of("Origin", "http://127.0.0.1:" + server.port()));
    assertThat(sameHost.echo("same host", WAIT)).isEqualTo(EchoReply.to("same host"));
    assertStillServes(server);
  }

  @Test
  void allowedOriginsOptionAdmitsListedPages() throws Exception {
    EchoServer server =
        serving(new LoopbackSettings().origins(OriginPolicy.of(List.of("https://app.example"))).build());
    EchoClient listed = EchoClient.connect(client, uri(server), Map.of("Origin", "https://app.example"));
    assertThat(listed.echo("listed", WAIT)).isEqualTo(EchoReply.to("listed"));
    assertThatThrownBy(() -> EchoClient.connect(client, uri(server), Map.of("Origin", "https://other.example")))
        .hasCauseInstanceOf(UpgradeException.class);
  }

  @Test
  void logsCarryConnectionIdAndProxiedClientAddress() throws Exception {
    EchoServer server = serving();
    ListAppender<ILoggingEvent> logs = captureLogs(EchoEndpoint.class);
    EchoClient c =
        EchoClient.connect(client, uri(server), Map.of("X-Real-IP", "203.0.113.9", "X-Real-Port", "40123"));
    c.close();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(LogLines.messages(logs))
                    .anyMatch(m -> m.matches("conn=\\d+ remote=203\\.0\\.113\\.9:40123 via=127\\.0\\.0\\.1:\\d+ open"))
                    .anyMatch(m -> m.matches(
                        "conn=\\d+ remote=203\\.0\\.113\\.9:40123 via=127\\.0\\.0\\.1:\\d+ closed code=1000 .*")));
  }

  private static ListAppender<ILoggingEvent> captureLogs(Class<?> source) {
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    ((Logger) LoggerFactory.getLogger(source)).addAppender(appender);
    return appender;
  }
}
