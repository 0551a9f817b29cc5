package org.example.echo.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code GET /metrics} renders on a pool thread; what it answers must not change for that. */
class MetricsHandlerTest {

  private Server server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.stop();
    }
  }

  private HttpResponse<String> get(MetricsHandler handler) throws Exception {
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    server.setHandler(handler);
    server.setErrorHandler(new Responses.ClosingErrorHandler());
    server.start();
    HttpRequest request = HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + connector.getLocalPort() + MetricsHandler.PATH))
        .timeout(Duration.ofSeconds(10)) // a failure nobody answers would otherwise hang the test
        .build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void answersWhatTheScrapeRendered() throws Exception {
    HttpResponse<String> response = get(new MetricsHandler(() -> "echo_up 1\n"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("echo_up 1\n");
    assertThat(response.headers().firstValue("cache-control")).hasValue("no-store");
    assertThat(response.headers().firstValue("connection")).hasValue("close");
  }

  @Test
  void aScrapeThatFailsEvenWithAnErrorIsAServerErrorNotAHangingRequest() throws Exception {
    AtomicBoolean called = new AtomicBoolean();
    HttpResponse<String> response = get(new MetricsHandler(() -> {
      called.set(true);
      throw new StackOverflowError("an Error, not an Exception");
    }));

    assertThat(called).isTrue();
    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.headers().firstValue("connection")).as("closed like every answer").hasValue("close");
  }
}
