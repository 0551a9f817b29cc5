package org.example.echo.common;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The client's half of the WebSocket opening handshake (RFC 6455 section 4), for the clients that write it by
 * hand: the NIO load client and the raw test fixtures. One upgrade request, and the check of the server's answer.
 */
public final class WebSocketUpgrade {
  /** What RFC 6455 appends to the client's key before hashing it into Sec-WebSocket-Accept. */
  private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  private WebSocketUpgrade() {}

  /** A fresh Sec-WebSocket-Key: 16 random bytes in base64. */
  public static String newKey() {
    byte[] nonce = new byte[16];
    ThreadLocalRandom.current().nextBytes(nonce);
    return Base64.getEncoder().encodeToString(nonce);
  }

  /**
   * The HTTP/1.1 upgrade request for {@code uri}'s path and query, with Host naming its host and (if it has one)
   * port. No Origin header: these clients are not browsers.
   */
  public static byte[] request(URI uri, String key) {
    return request(uri, key, "");
  }

  /** Like {@link #request(URI, String)}, with more header lines, each ending in CRLF (tests of odd clients). */
  public static byte[] request(URI uri, String key, String extraHeaders) {
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (uri.getRawQuery() != null) {
      path += "?" + uri.getRawQuery();
    }
    String host = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    return ("GET " + path + " HTTP/1.1\r\n"
            + "Host: " + host + "\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: Upgrade\r\n"
            + "Sec-WebSocket-Key: " + key + "\r\n"
            + "Sec-WebSocket-Version: 13\r\n"
            + extraHeaders
            + "\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** The Sec-WebSocket-Accept a server must answer {@code key} with: base64(SHA-1(key + GUID)). */
  public static String acceptFor(String key) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-1").digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-1", e);
    }
  }

  /**
   * Why the response head (status line and headers, without the blank line) does not accept the upgrade that sent
   * {@code key}: {@code upgrade rejected: HTTP/1.1 503 Service Unavailable}, or a wrong Sec-WebSocket-Accept.
   * Empty when it accepts.
   */
  public static Optional<String> whyNotAccepted(String responseHead, String key) {
    String statusLine = responseHead.lines().findFirst().orElse("");
    if (!statusLine.startsWith("HTTP/1.1 101")) {
      return Optional.of("upgrade rejected: " + statusLine);
    }
    String accept = header(responseHead, "sec-websocket-accept").orElse("(none)");
    if (!accept.equals(acceptFor(key))) {
      return Optional.of("upgrade answered with a wrong Sec-WebSocket-Accept: " + accept);
    }
    return Optional.empty();
  }

  private static Optional<String> header(String head, String lowerCaseName) {
    return head.lines()
        .filter(line -> line.toLowerCase(Locale.ROOT).startsWith(lowerCaseName + ":"))
        .map(line -> line.substring(lowerCaseName.length() + 1).trim())
        .findFirst();
  }
}
