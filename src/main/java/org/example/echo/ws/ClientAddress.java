package org.example.echo.ws;

import org.eclipse.jetty.server.Request;

/** The client's address for logs: the proxy's {@code X-Real-IP}/{@code X-Real-Port} when set, else the peer. */
final class ClientAddress {

  private ClientAddress() {}

  static String of(Request request) {
    String ip = request.getHeaders().get("X-Real-IP");
    if (ip != null && !ip.isBlank()) {
      String port = request.getHeaders().get("X-Real-Port");
      return sanitize(ip) + ":" + (port == null || port.isBlank() ? "?" : sanitize(port));
    }
    return Request.getRemoteAddr(request) + ":" + Request.getRemotePort(request);
  }

  /** Headers are client input: keep log lines one line and short. */
  private static String sanitize(String value) {
    String trimmed = value.strip();
    StringBuilder b = new StringBuilder(Math.min(trimmed.length(), 64));
    for (int i = 0; i < trimmed.length() && b.length() < 64; i++) {
      char c = trimmed.charAt(i);
      b.append(Character.isLetterOrDigit(c) || c == '.' || c == ':' || c == '-' || c == '[' || c == ']' ? c : '_');
    }
    return b.toString();
  }
}
