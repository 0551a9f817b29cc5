package org.example.echo.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.example.echo.core.RegisteredInstance;

/** Asks one instance's {@code /healthz} directly, asynchronously, with a short timeout. */
final class HealthProbe {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Duration timeout;
  private HttpClient http;

  HealthProbe(Duration timeout) {
    this.timeout = timeout;
  }

  /** Built on first use: a JDK client starts a selector thread, and most servers (tests) never ask anyone. */
  private synchronized HttpClient http() {
    if (http == null) {
      http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }
    return http;
  }

  /** Its /healthz as JSON; fails on no answer within the timeout, a status other than 200, or a body that is not JSON. */
  CompletableFuture<JsonNode> ask(RegisteredInstance instance) {
    URI uri = URI.create("http://" + hostPort(instance) + "/healthz");
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
    return http().sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
      if (response.statusCode() != 200) {
        throw new IllegalStateException("/healthz answered " + response.statusCode());
      }
      try {
        return JSON.readTree(response.body());
      } catch (IOException e) {
        throw new UncheckedIOException("/healthz is not JSON", e);
      }
    });
  }

  static String hostPort(RegisteredInstance instance) {
    String host = instance.address().contains(":") ? "[" + instance.address() + "]" : instance.address();
    return host + ":" + instance.port();
  }
}
