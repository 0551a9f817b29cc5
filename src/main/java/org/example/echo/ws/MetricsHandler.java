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
    if (Responses.refusedUnlessReadOnly(request, response, callback, PATH)) {
      return true;
    }
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    return Responses.write(response, callback, HttpStatus.OK_200, ServiceMetrics.CONTENT_TYPE, scrape.get());
  }
}
