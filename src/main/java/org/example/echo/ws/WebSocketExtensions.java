package org.example.echo.ws;

import java.util.List;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.websocket.core.WebSocketExtensionRegistry;
import org.eclipse.jetty.websocket.core.server.WebSocketServerComponents;

/**
 * Which WebSocket extensions the server negotiates: permessage-deflate when asked for, nothing else.
 *
 * <p>Why: Jetty also offers its own non-standard {@code fragment} and {@code identity}. With
 * {@code fragment; maxLength=1} every reply byte became a frame, and one such client pinned the selector thread
 * so that nobody else could even complete a handshake. No browser or common client offers them.
 */
final class WebSocketExtensions {

  static final String PERMESSAGE_DEFLATE = "permessage-deflate";

  private WebSocketExtensions() {}

  /** Removes every other extension from the server's registry; an extension not registered is never negotiated. */
  static void negotiateOnly(Server server, boolean permessageDeflate) {
    WebSocketExtensionRegistry registry =
        WebSocketServerComponents.getWebSocketComponents(server).getExtensionRegistry();
    for (String name : List.copyOf(registry.getAvailableExtensionNames())) {
      if (!(permessageDeflate && name.equals(PERMESSAGE_DEFLATE))) {
        registry.unregister(name);
      }
    }
  }
}
