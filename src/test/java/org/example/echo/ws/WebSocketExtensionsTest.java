package org.example.echo.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.example.echo.common.EchoReply;
import org.example.echo.testkit.EchoClient;
import org.example.echo.testkit.RawWebSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Only the extensions clients need are negotiated: Jetty's own fragment and identity never are. */
class WebSocketExtensionsTest {

  private static final String OFFER_ALL =
      "Sec-WebSocket-Extensions: fragment; maxLength=1, identity, permessage-deflate\r\n";

  @RegisterExtension final RunningServers servers = new RunningServers();

  @Test
  void fragmentIdentityAndByDefaultDeflateAreRefused() throws Exception {
    EchoServer server = servers.serving();
    try (RawWebSocket raw = RawWebSocket.connect(server.port(), 0, OFFER_ALL)) {
      assertThat(raw.handshakeResponse()).startsWith("HTTP/1.1 101")
          .doesNotContainIgnoringCase("Sec-WebSocket-Extensions");
      assertEchoOfOneUncompressedFrame(raw);
    }
  }

  @Test
  void withTheOptionOnlyPermessageDeflateIsNegotiated() throws Exception {
    EchoServer server = servers.serving(new LoopbackSettings().permessageDeflate(true).build());
    try (RawWebSocket raw = RawWebSocket.connect(server.port(), 0, OFFER_ALL)) {
      String extensions = raw.handshakeResponse().lines()
          .filter(l -> l.regionMatches(true, 0, "Sec-WebSocket-Extensions:", 0, 25))
          .findFirst().orElse("");
      assertThat(extensions).contains("permessage-deflate").doesNotContain("fragment", "identity");
    }
  }

  @Test
  void anOfferOfOnlyUnknownExtensionsStillConnects() throws Exception {
    EchoServer server = servers.serving();
    try (RawWebSocket raw = RawWebSocket.connect(server.port(), 0, "Sec-WebSocket-Extensions: fragment\r\n")) {
      assertThat(raw.handshakeResponse()).doesNotContainIgnoringCase("Sec-WebSocket-Extensions");
      assertEchoOfOneUncompressedFrame(raw);
    }
  }

  @Test
  void textComesBackThroughPermessageDeflate() throws Exception {
    EchoServer server = servers.serving(new LoopbackSettings().permessageDeflate(true).build());
    WebSocketClient client = new WebSocketClient();
    client.start();
    try {
      ClientUpgradeRequest request = new ClientUpgradeRequest(URI.create("ws://127.0.0.1:" + server.port() + "/"));
      request.addExtensions("permessage-deflate");
      EchoClient c = new EchoClient();
      client.connect(c, request).get(10, TimeUnit.SECONDS);
      assertThat(c.session().getUpgradeResponse().getHeader("Sec-WebSocket-Extensions")).contains("permessage-deflate");
      // The text path sees the frames after the extension inflated them, also those of a message of a few KB.
      String large = "grüße ✓ ".repeat(300); // 3,600 bytes of UTF-8, under the read limit
      for (String text : new String[] {"hello", "grüße ✓", large}) {
        assertThat(c.echo(text, Duration.ofSeconds(5))).isEqualTo(EchoReply.to(text));
      }
    } finally {
      client.stop();
    }
  }

  /** A 1,000-byte text comes back as one frame: no fragmenting extension is at work. */
  private static void assertEchoOfOneUncompressedFrame(RawWebSocket raw) throws Exception {
    String text = "f".repeat(1000);
    raw.sendFrame(RawWebSocket.TEXT, text.getBytes(StandardCharsets.UTF_8), true);
    RawWebSocket.Frame reply = raw.readFrame();
    assertThat(reply.opcode()).isEqualTo(RawWebSocket.TEXT);
    assertThat(reply.text()).isEqualTo("echo: " + text);
  }
}
