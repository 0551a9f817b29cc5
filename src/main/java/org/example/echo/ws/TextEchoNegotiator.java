package org.example.echo.ws;

import org.eclipse.jetty.http.pathmap.PathSpec;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.Configuration;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.core.server.WebSocketMappings;
import org.eclipse.jetty.websocket.core.server.WebSocketNegotiator;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;

/**
 * Puts a {@link TextEchoFrameHandler} in front of the handler Jetty makes for each {@link EchoEndpoint}.
 *
 * <p>Why this way: Jetty's WebSocket API has no hook for a text message's bytes (only Strings, or every frame
 * with {@code onWebSocketFrame}, which would give up Jetty's binary, ping and close handling too), and its
 * container keeps its frame handler factory to itself. Its core API does have one: the negotiator a path is
 * mapped to makes the connection's frame handler. So the container's own negotiator stays in charge of
 * everything (the upgrade, our {@code upgrade} method, the settings: idle timeout, read limits); this one only
 * wraps the frame handler it returns. The endpoint comes from the request, where {@code EchoServer.upgrade}
 * leaves it ({@link #ENDPOINT}).
 */
final class TextEchoNegotiator implements WebSocketNegotiator {

  /** The request attribute with the EchoEndpoint the upgrade created. */
  static final String ENDPOINT = EchoEndpoint.class.getName();

  private final WebSocketNegotiator jettys;

  private TextEchoNegotiator(WebSocketNegotiator jettys) {
    this.jettys = jettys;
  }

  /** Wraps the negotiator that {@code container.addMapping} registered for {@code path}. */
  static void install(ServerWebSocketContainer container, PathSpec path) {
    WebSocketMappings mappings = container.getBean(WebSocketMappings.class);
    WebSocketNegotiator jettys = mappings.getWebSocketNegotiator(path);
    if (jettys == null) {
      throw new IllegalStateException("no WebSocket mapping for " + path + " to wrap");
    }
    mappings.addMapping(path, new TextEchoNegotiator(jettys)); // replaces the mapping of the same path
  }

  @Override
  public FrameHandler negotiate(ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
    FrameHandler handler = jettys.negotiate(request, response, callback);
    if (handler == null) {
      return null; // refused (403, 503): the response is written
    }
    if (!(request.removeAttribute(ENDPOINT) instanceof EchoEndpoint endpoint)) {
      // Jetty's handler alone would drop every text message without a word: refuse the upgrade instead.
      throw new IllegalStateException("the upgrade left no " + ENDPOINT + " in the request");
    }
    return new TextEchoFrameHandler(handler, endpoint);
  }

  @Override
  public void customize(Configuration configurable) {
    jettys.customize(configurable);
  }
}
