package org.example.echo.ws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.example.echo.core.RoleStatus;

/**
 * Plain HTTP: {@code /healthz} and a short answer on {@code /} for anything that is not a WebSocket upgrade.
 * Every answer is small, immediate and never a 500 for a client's mistake.
 */
final class HttpRoutes extends Handler.Abstract.NonBlocking {

  static final String HEALTH_PATH = "/healthz";
  static final String NOT_AN_UPGRADE =
      "This is a WebSocket echo endpoint: connect with a WebSocket client to ws://<host>:<port>/ (health: /healthz)\n";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Supplier<RoleStatus> roleStatus;
  private final IntSupplier openConnections;
  private final String version;
  private final Clock clock;
  private final long startedMillis;
  private final String demoPage = DemoPage.load();

  HttpRoutes(Supplier<RoleStatus> roleStatus, IntSupplier openConnections, String version, Clock clock) {
    this.roleStatus = roleStatus;
    this.openConnections = openConnections;
    this.version = version;
    this.clock = clock;
    this.startedMillis = clock.millis();
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = Request.getPathInContext(request);
    String method = request.getMethod();
    boolean readOnly = "GET".equals(method) || "HEAD".equals(method);
    if (HEALTH_PATH.equals(path)) {
      if (!readOnly) {
        return text(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "use GET on " + HEALTH_PATH + "\n");
      }
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
      return write(response, callback, HttpStatus.OK_200, "application/json", health());
    }
    if ("/".equals(path)) {
      if (!readOnly) {
        response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
        return text(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, NOT_AN_UPGRADE);
      }
      // A browser gets the demo page; the WebSocket upgrade of the same URL never reaches this handler.
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
      return write(response, callback, HttpStatus.OK_200, "text/html; charset=utf-8", demoPage);
    }
    return text(response, callback, HttpStatus.NOT_FOUND_404, "not found: " + path + " (WebSocket at /, health at /healthz)\n");
  }

  String health() {
    RoleStatus role = roleStatus.get();
    long now = clock.millis();
    long inRoleMs = Math.max(0, now - role.since().toEpochMilli());
    Health health =
        new Health(
            "UP",
            role.role(),
            role.holder(),
            role.since().toString(),
            Duration.ofMillis(inRoleMs).toSeconds(),
            version,
            openConnections.getAsInt(),
            Duration.ofMillis(now - startedMillis).toSeconds());
    try {
      return JSON.writeValueAsString(health) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + health, e); // strings and numbers always can be
    }
  }

  static boolean text(Response response, Callback callback, int status, String body) {
    return write(response, callback, status, "text/plain; charset=utf-8", body);
  }

  private static boolean write(Response response, Callback callback, int status, String type, String body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
    response.write(true, ByteBuffer.wrap(bytes), callback);
    return true;
  }
}
