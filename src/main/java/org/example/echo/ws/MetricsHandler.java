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
 * scraper sees standbys too.
 *
 * <p>Requests are handled on the selector thread that read them (every handler is non-blocking, see {@link
 * HttpRoutes}). Rendering every metric never blocks but takes longer than any other answer, time the selector
 * owes its WebSocket connections, so it is handed to the thread pool.
 */
final class MetricsHandler extends Handler.Abstract.NonBlocking {

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
    request.getComponents().getExecutor().execute(() -> {
      try {
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        Responses.write(response, callback, HttpStatus.OK_200, ServiceMetrics.CONTENT_TYPE, scrape.get());
      } catch (Throwable e) { // an Error too: else nobody answers until the idle timeout
        callback.failed(e);
      }
    });
    return true;
  }
}
