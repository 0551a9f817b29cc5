package org.example.echo.ws;

import java.time.Clock;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.pathmap.ServletPathSpec;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.PathMappingsHandler;
import org.eclipse.jetty.util.Callback;
import org.example.echo.cluster.ClusterView;
import org.example.echo.core.RoleStatus;

/**
 * Plain HTTP, everything that is not a WebSocket upgrade of {@code /}: health, metrics, the cluster, the demo
 * page, and a short 404 for any other path. Every answer is small, immediate and never a 500 for a client's mistake.
 */
final class HttpRoutes {

  private HttpRoutes() {}

  static Handler of(Supplier<RoleStatus> roleStatus, IntSupplier openConnections, String version, Clock clock,
      Supplier<String> metrics, ClusterView cluster) {
    // Not dynamic: the routes are fixed, so Jetty may ask them whether they block, and none does. Upgrades are
    // then handled on the selector thread that read them, not handed to a pool thread (EchoServer).
    PathMappingsHandler routes = new PathMappingsHandler(false);
    routes.addMapping(
        new ServletPathSpec(HealthHandler.PATH), new HealthHandler(roleStatus, openConnections, version, clock));
    routes.addMapping(new ServletPathSpec(MetricsHandler.PATH), new MetricsHandler(metrics));
    routes.addMapping(new ServletPathSpec(ClusterHandler.PATH), new ClusterHandler(cluster));
    routes.addMapping(new ServletPathSpec(""), new DemoPage()); // "" is the root, exactly "/"
    routes.addMapping(new ServletPathSpec("/"), new NotFound()); // the default: whatever matched nothing else
    return routes;
  }

  private static final class NotFound extends Handler.Abstract.NonBlocking {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      // Not Request.getPathInContext: without a ContextHandler, Jetty 12.1's PathSpecRequest fails it (NPE).
      String path = request.getHttpURI().getDecodedPath();
      return Responses.text(response, callback, HttpStatus.NOT_FOUND_404,
          "not found: " + path + " (WebSocket at /, health at " + HealthHandler.PATH + ", metrics at "
          + MetricsHandler.PATH + ", cluster at " + ClusterHandler.PATH + ")\n");
    }
  }
}
