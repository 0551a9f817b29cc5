package org.example.echo.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.example.echo.testkit.RawWebSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A request header must be complete within --header-timeout, however slowly its bytes trickle in. */
class HeaderDeadlineTest {

  private static final Duration DEADLINE = Duration.ofMillis(500);

  @RegisterExtension final RunningServers servers = new RunningServers();
  private final ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stopTrickling() {
    trickle.shutdownNow();
  }

  private EchoServer server() throws Exception {
    return servers.serving(new LoopbackSettings().headerTimeout(DEADLINE).build());
  }

  private static Socket connect(int port) throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout(5_000);
    return socket;
  }

  @Test
  void aHeaderSentAByteAtATimeIsCutAtTheDeadlineWith408() throws Exception {
    EchoServer server = server();
    try (Socket slow = connect(server.port())) {
      OutputStream out = slow.getOutputStream();
      long start = System.nanoTime();
      out.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
      AtomicInteger sent = new AtomicInteger();
      // One byte every 50 ms: each would reset an idle timeout; at most 100 of them (5 s).
      var unused = trickle.scheduleAtFixedRate(() -> {
        try {
          if (sent.incrementAndGet() <= 100) {
            out.write('a');
          }
        } catch (IOException closed) {
          throw new IllegalStateException(closed); // ends the trickle
        }
      }, 50, 50, TimeUnit.MILLISECONDS);
      String answer = new String(slow.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(answer).startsWith("HTTP/1.1 408").contains("request header not complete within 500 ms (--header-timeout)");
      assertThat(took).isBetween(DEADLINE, DEADLINE.multipliedBy(3));
      assertThat(sent.get()).as("bytes kept coming until the cut").isGreaterThan(5);
    }
  }

  @Test
  void aSilentConnectionIsClosedAtTheDeadline() throws Exception {
    EchoServer server = server();
    try (Socket silent = connect(server.port())) {
      long start = System.nanoTime();
      assertThat(silent.getInputStream().read()).isEqualTo(-1);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(DEADLINE, DEADLINE.multipliedBy(3));
    }
  }

  @Test
  void webSocketConnectionsOutliveTheHeaderDeadline() throws Exception {
    EchoServer server = server();
    try (RawWebSocket ws = RawWebSocket.connect(server.port(), 0)) {
      await("the WebSocket connection stays open through three header deadlines")
          .during(DEADLINE.multipliedBy(3)).atMost(Duration.ofSeconds(5))
          .until(() -> server.openConnections() == 1);
      ws.sendFrame(RawWebSocket.TEXT, "still here".getBytes(StandardCharsets.UTF_8), true);
      assertThat(ws.readFrame().text()).isEqualTo("echo: still here");
    }
  }
}
