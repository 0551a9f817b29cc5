package org.example.echo.ws;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /} without an upgrade (a browser): the self-contained demo page, static/index.html in the jar.
 * Other methods get a 405 that says what this endpoint is.
 */
final class DemoPage extends Handler.Abstract.NonBlocking {

  static final String NOT_AN_UPGRADE =
      "This is a WebSocket echo endpoint: connect with a WebSocket client to ws://<host>:<port>/ (health: "
          + HealthHandler.PATH + ")\n";

  private static final String RESOURCE = "/static/index.html";

  private final String page = load();

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    if (!Responses.readOnly(request)) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
      return Responses.text(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, NOT_AN_UPGRADE);
    }
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
    return Responses.write(response, callback, HttpStatus.OK_200, "text/html; charset=utf-8", page);
  }

  private static String load() {
    try (InputStream in = DemoPage.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
