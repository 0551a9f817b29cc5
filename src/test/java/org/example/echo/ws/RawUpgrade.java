package org.example.echo.ws;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A valid WebSocket upgrade request sent on a plain socket, and everything the server answers until it closes. */
final class RawUpgrade {

  static final String REQUEST = String.join("\r\n", "GET / HTTP/1.1", "Host: 127.0.0.1",
      "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
      "Sec-WebSocket-Version: 13", "", "");

  private RawUpgrade() {}

  /** The whole answer; fails (read timeout) unless the server closes within 5 s. */
  static String answerUntilClosed(int port) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(5_000);
      s.getOutputStream().write(REQUEST.getBytes(StandardCharsets.US_ASCII));
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
