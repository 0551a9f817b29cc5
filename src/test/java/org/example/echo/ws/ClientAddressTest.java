package org.example.echo.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import org.example.echo.testkit.RawWebSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** X-Real-IP names the client only when a trusted proxy sent it; the real peer is always logged. */
class ClientAddressTest {

  private static final String SPOOFED = "X-Real-IP: 203.0.113.9\r\nX-Real-Port: 40123\r\n";

  @RegisterExtension final RunningServers servers = new RunningServers();
  private final Logger endpointLog = (Logger) LoggerFactory.getLogger(EchoEndpoint.class);
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

  @AfterEach
  void stopCapturing() {
    endpointLog.detachAppender(logs);
  }

  private void capture() {
    logs.start();
    endpointLog.addAppender(logs);
  }

  @Test
  void fromAPeerThatIsNoTrustedProxyTheHeadersAreIgnored() throws Exception {
    EchoServer server = servers.serving(new LoopbackSettings().trustedProxies("10.0.0.0/8").build());
    capture();
    try (RawWebSocket raw = RawWebSocket.connect(server.port(), 0, SPOOFED)) {
      assertThat(raw.handshakeResponse()).startsWith("HTTP/1.1 101");
      awaitLogLine("conn=\\d+ remote=127\\.0\\.0\\.1:\\d+ open");
    }
    assertThat(LogLines.messages(logs)).noneMatch(m -> m.contains("203.0.113.9"));
  }

  @Test
  void fromATrustedProxyTheClientIsNamedAndTheProxyToo() throws Exception {
    EchoServer server = servers.serving(new LoopbackSettings().trustedProxies("127.0.0.1").build());
    capture();
    try (RawWebSocket raw = RawWebSocket.connect(server.port(), 0, SPOOFED)) {
      assertThat(raw.handshakeResponse()).startsWith("HTTP/1.1 101");
      awaitLogLine("conn=\\d+ remote=203\\.0\\.113\\.9:40123 via=127\\.0\\.0\\.1:\\d+ open");
    }
  }

  @Test
  void aHeaderThatIsNoAddressIsIgnoredEvenFromATrustedProxy() throws Exception {
    EchoServer server = servers.serving(new LoopbackSettings().trustedProxies("127.0.0.1").build());
    capture();
    try (RawWebSocket raw = RawWebSocket.connect(server.port(), 0, "X-Real-IP: evil.example\r\nX-Real-Port: x\r\n")) {
      assertThat(raw.handshakeResponse()).startsWith("HTTP/1.1 101");
      awaitLogLine("conn=\\d+ remote=127\\.0\\.0\\.1:\\d+ open");
    }
  }

  private void awaitLogLine(String regex) {
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(LogLines.messages(logs)).anyMatch(m -> m.matches(regex)));
  }
}
