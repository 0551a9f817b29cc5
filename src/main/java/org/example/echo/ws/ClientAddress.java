package org.example.echo.ws;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.eclipse.jetty.server.Request;

/**
 * The client's address for logs and limits. From a trusted proxy ({@code --trusted-proxies}) it is the proxy's
 * {@code X-Real-IP} / {@code X-Real-Port}, and the line names the proxy too ({@code 203.0.113.9:40123
 * via=10.0.0.2:51234}); from anyone else the headers are ignored and it is the peer, so the real peer is always
 * in the log.
 */
final class ClientAddress {

  private ClientAddress() {}

  static String of(Request request, TrustedProxies trusted) {
    String peer = Request.getRemoteAddr(request) + ":" + Request.getRemotePort(request);
    SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
    if (!(remote instanceof InetSocketAddress socket) || socket.getAddress() == null
        || !trusted.trusts(socket.getAddress())) {
      return peer;
    }
    String realIp = request.getHeaders().get("X-Real-IP");
    InetAddress client = TrustedProxies.literal(realIp == null ? null : realIp.strip());
    if (client == null) {
      return peer;
    }
    return client.getHostAddress() + ":" + port(request.getHeaders().get("X-Real-Port")) + " via=" + peer;
  }

  private static String port(String value) {
    if (value == null) {
      return "?";
    }
    String v = value.strip();
    return v.matches("[0-9]{1,5}") ? v : "?";
  }
}
