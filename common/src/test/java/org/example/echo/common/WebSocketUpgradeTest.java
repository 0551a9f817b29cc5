package org.example.echo.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class WebSocketUpgradeTest {
  /** RFC 6455 section 1.3's own example. */
  private static final String RFC_KEY = "dGhlIHNhbXBsZSBub25jZQ==";
  private static final String RFC_ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

  @Test
  void requestsTheUpgradeOfTheUrisPathAndQueryFromItsHostAndPort() {
    String request = ascii(WebSocketUpgrade.request(URI.create("ws://127.0.0.1:8080/chat?room=1"), RFC_KEY));

    // Every line ends with CRLF, and an empty line ends the head.
    assertThat(request.split("\r\n", -1))
        .containsExactly(
            "GET /chat?room=1 HTTP/1.1",
            "Host: 127.0.0.1:8080",
            "Upgrade: websocket",
            "Connection: Upgrade",
            "Sec-WebSocket-Key: " + RFC_KEY,
            "Sec-WebSocket-Version: 13",
            "",
            "");
  }

  @Test
  void noPathMeansTheRootAndNoPortLeavesItOutOfTheHostHeader() {
    String request = ascii(WebSocketUpgrade.request(URI.create("ws://example.test"), RFC_KEY));

    assertThat(request).startsWith("GET / HTTP/1.1\r\nHost: example.test\r\n");
  }

  @Test
  void acceptKeyIsTheRfcsExample() {
    assertThat(WebSocketUpgrade.acceptFor(RFC_KEY)).isEqualTo(RFC_ACCEPT);
  }

  @Test
  void keysAreSixteenFreshRandomBytes() {
    String key = WebSocketUpgrade.newKey();

    assertThat(Base64.getDecoder().decode(key)).hasSize(16);
    assertThat(WebSocketUpgrade.newKey()).isNotEqualTo(key);
  }

  @Test
  void aSwitchWithTheRightAcceptKeyIsAccepted() {
    String head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "SEC-WEBSOCKET-ACCEPT:  " + RFC_ACCEPT + "\r\n";

    assertThat(WebSocketUpgrade.whyNotAccepted(head, RFC_KEY)).isEmpty();
  }

  @Test
  void anyOtherStatusIsARejectionNamedByItsStatusLine() {
    String head = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n";

    assertThat(WebSocketUpgrade.whyNotAccepted(head, RFC_KEY))
        .contains("upgrade rejected: HTTP/1.1 503 Service Unavailable");
  }

  @Test
  void aWrongOrMissingAcceptKeyIsNamed() {
    assertThat(WebSocketUpgrade.whyNotAccepted("HTTP/1.1 101 Switching Protocols\r\nSec-WebSocket-Accept: x\r\n", RFC_KEY))
        .contains("upgrade answered with a wrong Sec-WebSocket-Accept: x");
    assertThat(WebSocketUpgrade.whyNotAccepted("HTTP/1.1 101 Switching Protocols\r\n", RFC_KEY))
        .contains("upgrade answered with a wrong Sec-WebSocket-Accept: (none)");
  }

  private static String ascii(byte[] bytes) {
    return new String(bytes, StandardCharsets.US_ASCII);
  }
}
