package org.example.echo.ws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.concurrent.CompletionException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.example.echo.cluster.ClusterReport;
import org.example.echo.cluster.ClusterView;

/**
 * {@code GET /cluster}: every registered instance with its role (JSON, {@link ClusterReport}), for the demo page.
 * Answered asynchronously: no server thread waits for Consul or the other instances. 503 with one line when the
 * directory cannot be asked.
 */
final class ClusterHandler extends Handler.Abstract.NonBlocking {

  static final String PATH = "/cluster";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ClusterView cluster;

  ClusterHandler(ClusterView cluster) {
    this.cluster = cluster;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    if (Responses.refusedUnlessReadOnly(request, response, callback, PATH)) {
      return true;
    }
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    // The write completes the callback; nothing waits for the future itself.
    var unused = cluster.report().whenComplete((report, error) -> {
      if (error == null) {
        Responses.write(response, callback, HttpStatus.OK_200, "application/json", json(report));
      } else {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        Responses.text(response, callback, HttpStatus.SERVICE_UNAVAILABLE_503,
            "cluster view unavailable: " + oneLine(String.valueOf(cause.getMessage())) + "\n");
      }
    });
    return true;
  }

  /** Whatever failed, the client gets one short line. */
  static String oneLine(String message) {
    String flat = message.replaceAll("\\s+", " ").trim();
    return flat.length() > 300 ? flat.substring(0, 300) + "…" : flat;
  }

  private static String json(ClusterReport report) {
    try {
      return JSON.writeValueAsString(report) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + report, e); // records of strings and numbers always can be
    }
  }
}
