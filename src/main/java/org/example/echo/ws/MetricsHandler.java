package org.example.echo.ws;

import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.example.echo.metrics.ServiceMetrics;

/**
 * {@code GET /metrics}: every metric in Prometheus' text format, on every instance whatever its role, so a
 * scraper sees standbys too. Rendering reads counters only; it runs on a pool thread, not a selector.
 */
final class MetricsHandler extends Handler.Abstract {

  static final String PATH = "/metrics";

  private final Supplier<String> scrape;

  MetricsHandler(Supplier<String> scrape) {
    this.scrape = scrape;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    if (!Responses.readOnly(request)) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
      return Responses.text(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "use GET on " + PATH + "\n");
    }
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    return Responses.write(response, callback, HttpStatus.OK_200, ServiceMetrics.CONTENT_TYPE, scrape.get());
  }
}
