package org.example.echo.ws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
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

/** {@code GET /healthz}: this instance's role, version and load as one line of JSON. */
final class HealthHandler extends Handler.Abstract.NonBlocking {

  static final String PATH = "/healthz";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Supplier<RoleStatus> roleStatus;
  private final IntSupplier openConnections;
  private final String version;
  private final Clock clock;
  private final long startedMillis;

  HealthHandler(Supplier<RoleStatus> roleStatus, IntSupplier openConnections, String version, Clock clock) {
    this.roleStatus = roleStatus;
    this.openConnections = openConnections;
    this.version = version;
    this.clock = clock;
    this.startedMillis = clock.millis();
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    if (!Responses.readOnly(request)) {
      return Responses.text(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "use GET on " + PATH + "\n");
    }
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    return Responses.write(response, callback, HttpStatus.OK_200, "application/json", health());
  }

  private String health() {
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
}
