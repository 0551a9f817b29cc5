package org.example.echo.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Upgrade requests RFC 6455 says must fail get 426 or 400 with one line; bad origins 403. */
class UpgradeRequestCheckTest {

  private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

  @RegisterExtension final RunningServers servers = new RunningServers();

  private static String answer(int port, String version, String key, String origin) throws IOException {
    StringBuilder request = new StringBuilder("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
        + "Upgrade: websocket\r\nConnection: Upgrade\r\n");
    if (key != null) {
      request.append("Sec-WebSocket-Key: ").append(key).append("\r\n");
    }
    if (version != null) {
      request.append("Sec-WebSocket-Version: ").append(version).append("\r\n");
    }
    if (origin != null) {
      request.append("Origin: ").append(origin).append("\r\n");
    }
    request.append("Connection: close\r\n\r\n");
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(5_000);
      s.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
      byte[] head = new byte[4096];
      int n = s.getInputStream().read(head);
      return n < 0 ? "" : new String(head, 0, n, StandardCharsets.UTF_8);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"12", "8", "13abc", "14"})
  void anUnsupportedVersionGets426NamingVersion13(String version) throws Exception {
    EchoServer server = servers.serving();
    String answer = answer(server.port(), version, KEY, null);
    assertThat(answer).startsWith("HTTP/1.1 426").contains("Sec-WebSocket-Version: 13")
        .contains("unsupported Sec-WebSocket-Version \"" + version + "\": this server speaks 13");
  }

  @Test
  void aMissingVersionGets426Too() throws Exception {
    assertThat(answer(servers.serving().port(), null, KEY, null)).startsWith("HTTP/1.1 426");
  }

  @ParameterizedTest
  @ValueSource(strings = {"YWJjZA==", "!!!!", "dGhlIHNhbXBsZSBub25jZQ==dGhl", ""})
  void aKeyThatIsNot16BytesInBase64Gets400(String key) throws Exception {
    String answer = answer(servers.serving().port(), "13", key, null);
    assertThat(answer).startsWith("HTTP/1.1 400").contains("Sec-WebSocket-Key");
  }

  @Test
  void aMissingKeyGets400() throws Exception {
    assertThat(answer(servers.serving().port(), "13", null, null)).startsWith("HTTP/1.1 400");
  }

  @Test
  void originsAreComparedBySchemeHostAndPort() throws Exception {
    int port = servers.serving().port();
    assertThat(answer(port, "13", KEY, "http://127.0.0.1:" + port)).startsWith("HTTP/1.1 101");
    assertThat(answer(port, "13", KEY, "foo://127.0.0.1:" + port)).startsWith("HTTP/1.1 403");
    assertThat(answer(port, "13", KEY, "//127.0.0.1:" + port)).startsWith("HTTP/1.1 403");
    assertThat(answer(port, "13", KEY, "http://evil.com@127.0.0.1:" + port)).startsWith("HTTP/1.1 403");
    assertThat(answer(port, "13", KEY, "http://127.0.0.1:1")).startsWith("HTTP/1.1 403");
  }

  @Test
  void aGoodUpgradeStillUpgradesAndPlainHttpIsUntouched() throws Exception {
    EchoServer server = servers.serving();
    assertThat(answer(server.port(), "13", KEY, null)).startsWith("HTTP/1.1 101");
    assertThat(UpgradeRequestCheck.isKey(KEY)).isTrue();
  }
}
