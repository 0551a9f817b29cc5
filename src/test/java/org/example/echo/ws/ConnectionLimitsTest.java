package org.example.echo.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.example.echo.testkit.RawWebSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Over a connection limit a new connection gets a one-line 503 as soon as its request arrives, and no more of the
 * server's time than the linger; established clients keep working.
 */
class ConnectionLimitsTest {

  @RegisterExtension final RunningServers servers = new RunningServers();
  private final List<Socket> held = new ArrayList<>();
  private RawWebSocket onePlace;

  @AfterEach
  void closeHeld() throws IOException {
    for (Socket s : held) {
      s.close();
    }
    if (onePlace != null) {
      onePlace.close();
    }
  }

  /** Connections that sent nothing yet, as a slowloris attack holds them. */
  private void hold(int port, int count) throws IOException {
    for (int i = 0; i < count; i++) {
      Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
      held.add(s);
    }
  }

  /**
   * A server allowing one connection, which an echoing WebSocket client ({@link #onePlace}) holds, so the next
   * connection is refused.
   */
  private EchoServer fullServer() throws Exception {
    EchoServer server = servers.serving(new LoopbackSettings().maxConnections(1).build());
    onePlace = RawWebSocket.connect(server.port(), 0);
    return server;
  }

  /** A connection over the limit of a {@link #fullServer()}, closed after the test. */
  private Socket refused(EchoServer server, int readTimeoutMs) throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
    s.setSoTimeout(readTimeoutMs);
    held.add(s);
    return s;
  }

  @Test
  void overTheInstanceLimitANewConnectionGets503NamingTheOption() throws Exception {
    EchoServer server = servers.serving(new LoopbackSettings().maxConnections(4).build());
    RawWebSocket established = RawWebSocket.connect(server.port(), 0);
    hold(server.port(), 3);
    await().atMost(Duration.ofSeconds(5)).until(() -> server.endPoints().size() == 4);

    long start = System.nanoTime();
    String answer = RawUpgrade.answerUntilClosed(server.port());
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("refused at once").isLessThan(Duration.ofSeconds(1));
    assertThat(answer).startsWith("HTTP/1.1 503")
        .endsWith("too many connections: this instance holds its limit of 4 (--max-connections)\n");
    assertEchoes(established);

    held.remove(0).close();
    await().atMost(Duration.ofSeconds(5)).until(() -> server.endPoints().size() == 3);
    try (RawWebSocket next = RawWebSocket.connect(server.port(), 0)) {
      assertEchoes(next);
    }
    established.close();
  }

  @Test
  void overThePerClientLimitANewConnectionFromThatAddressGets503() throws Exception {
    EchoServer server = servers.serving(
        new LoopbackSettings().trustedProxies("none").maxConnectionsPerClient(3).build());
    RawWebSocket established = RawWebSocket.connect(server.port(), 0);
    hold(server.port(), 2);
    await().atMost(Duration.ofSeconds(5)).until(() -> server.endPoints().size() == 3);

    assertThat(RawUpgrade.answerUntilClosed(server.port())).startsWith("HTTP/1.1 503")
        .endsWith("too many connections from 127.0.0.1: at most 3 per client address "
            + "(--max-connections-per-client)\n");
    assertEchoes(established);
    established.close();
  }

  @Test
  void aTrustedProxyIsNotLimitedPerAddress() throws Exception {
    EchoServer server = servers.serving(new LoopbackSettings().maxConnectionsPerClient(2).build());
    hold(server.port(), 4);
    try (RawWebSocket fifth = RawWebSocket.connect(server.port(), 0)) {
      assertEchoes(fifth);
    }
  }

  @Test
  void aRefusedClientThatSendsNothingIsClosedAfterTheLinger() throws Exception {
    EchoServer server = fullServer();
    Socket silent = refused(server, 5_000);
    assertThat(silent.getInputStream().read()).as("no answer to nothing, then the end").isEqualTo(-1);
    // Closed at once, not half-closed for another linger.
    await().atMost(Duration.ofMillis(500)).until(() -> server.endPoints().size() == 1);
    assertEchoes(onePlace);
  }

  @Test
  void aRefusedClientThatKeepsSendingIsClosedAfterTheLinger() throws Exception {
    EchoServer server = fullServer();
    Socket trickling = refused(server, 10_000);
    CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
      try {
        for (int i = 0; i < 50; i++) { // a byte every 200 ms: each resets the idle timeout
          trickling.getOutputStream().write('x');
          LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
        }
      } catch (IOException closedByTheServer) {
        // expected
      }
    });
    String answer = new String(trickling.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(answer).startsWith("HTTP/1.1 503"); // then the server's FIN; the socket is still open
    await().atMost(Duration.ofMillis(RefusedConnection.LINGER_MS * 3))
        .until(() -> server.endPoints().size() == 1);
    assertThat(sending).as("closed while the client still sends").isNotDone();
    sending.get(15, TimeUnit.SECONDS);
    assertEchoes(onePlace);
  }

  private static void assertEchoes(RawWebSocket ws) throws IOException {
    ws.sendFrame(RawWebSocket.TEXT, "ok".getBytes(StandardCharsets.UTF_8), true);
    assertThat(ws.readFrame().text()).isEqualTo("echo: ok");
  }
}
