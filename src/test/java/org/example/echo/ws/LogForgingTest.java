package org.example.echo.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.example.echo.testkit.RawWebSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** What a client sends never forges a log line: its control and bidi characters reach the log escaped. */
class LogForgingTest {

  private static final String FORGED =
      "x\r\n2099-01-01T00:00:00.000Z INFO  [main] EchoEndpoint - forged \u001b[31mred\u001b[0m \u202etxt.exe";

  @RegisterExtension final RunningServers servers = new RunningServers();
  private final List<Logger> captured = List.of(logger(EchoEndpoint.class), logger(EchoServer.class));
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

  @AfterEach
  void stopCapturing() {
    captured.forEach(l -> {
      l.detachAppender(logs);
      l.setLevel(null);
    });
  }

  @Test
  void closeReasonsMessagesAndHeadersAreLoggedEscapedOnOneLine() throws Exception {
    logs.start();
    captured.forEach(l -> {
      l.addAppender(logs);
      l.setLevel(Level.DEBUG); // message contents are logged at DEBUG
    });
    EchoServer server = servers.serving();
    try (RawWebSocket raw = RawWebSocket.connect(server.port(), 0)) {
      raw.sendFrame(RawWebSocket.TEXT, FORGED.getBytes(StandardCharsets.UTF_8), true);
      raw.readFrame();
      byte[] reason = FORGED.substring(0, 60).getBytes(StandardCharsets.UTF_8);
      raw.sendFrame(RawWebSocket.CLOSE, ByteBuffer.allocate(2 + reason.length).putShort((short) 1000)
          .put(reason).array(), true);
      assertThat(raw.readCloseCode()).isEqualTo(1000);
    }
    // Jetty refuses C0 controls in header values with 400 itself; U+202E as UTF-8 passes as bytes.
    String status = upgradeWithOrigin(server.port(), "http://evil\u202e.example");
    assertThat(status).startsWith("HTTP/1.1 403");

    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(messages())
        .anyMatch(m -> m.contains(" text ") && m.contains("forged"))
        .anyMatch(m -> m.contains("closed code=1000") && m.contains("2099"))
        .anyMatch(m -> m.contains("upgrade refused: origin")));
    assertThat(messages()).allSatisfy(m -> assertThat(m.chars()).noneMatch(LogForgingTest::acted));
    assertThat(messages()).anyMatch(m -> m.contains("x\\r\\n2099-01-01") && m.contains("\\u001b[31mred")
        && m.contains("\\u202etxt.exe"));
  }

  /** Characters a terminal or log viewer acts on; the test's copy of the rule, as the README states it. */
  private static boolean acted(int c) {
    int type = Character.getType(c);
    return type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR;
  }

  private List<String> messages() {
    return logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  private static String upgradeWithOrigin(int port, String origin) throws Exception {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n").getBytes(
              StandardCharsets.US_ASCII));
      out.write(("Origin: " + origin + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      return RawWebSocket.readHttpHead(socket.getInputStream());
    }
  }

  private static Logger logger(Class<?> source) {
    return (Logger) LoggerFactory.getLogger(source);
  }
}
