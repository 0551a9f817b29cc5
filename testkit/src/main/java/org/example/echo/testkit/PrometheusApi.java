package org.example.echo.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The compose stack's Prometheus, through its HTTP API (/api/v1): instant queries, targets, alerts. */
public final class PrometheusApi {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final URI base;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  public PrometheusApi(URI base) {
    this.base = base;
  }

  /** The stack's Prometheus at its published port (asked each time a test starts, like ComposeStack does). */
  public static PrometheusApi of(ComposeStack stack) {
    String mapping = ComposeStack.docker("port", stack.container("prometheus"), "9090").lines().findFirst().orElseThrow();
    return new PrometheusApi(URI.create("http://" + mapping.strip().replace("0.0.0.0:", "127.0.0.1:")));
  }

  public URI base() {
    return base;
  }

  /** The series of an instant query: each with its labels ({@code metric}) and {@code value} [time, "v"]. */
  public List<JsonNode> query(String promql) {
    return list(get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).path("result"));
  }

  /** The single value of a query that yields one series, or empty when it yields none. */
  public Optional<Double> scalar(String promql) {
    List<JsonNode> series = query(promql);
    if (series.size() > 1) {
      throw new IllegalStateException(promql + " gave " + series.size() + " series: " + series);
    }
    return series.stream().findFirst().map(PrometheusApi::value);
  }

  public static double value(JsonNode series) {
    return Double.parseDouble(series.path("value").path(1).asText());
  }

  public static String label(JsonNode series, String name) {
    return series.path("metric").path(name).asText();
  }

  /** The active targets of one scrape job: {@code labels.instance}, {@code health} ("up", "down", "unknown"). */
  public List<JsonNode> targets(String job) {
    List<JsonNode> targets = new ArrayList<>();
    for (JsonNode t : list(get("/api/v1/targets?state=active").path("activeTargets"))) {
      if (job.equals(t.path("labels").path("job").asText())) {
        targets.add(t);
      }
    }
    return targets;
  }

  /** The state of an alert right now: "firing", "pending", or "inactive" when it is in neither. */
  public String alertState(String alertName) {
    String state = "inactive";
    for (JsonNode alert : list(get("/api/v1/alerts").path("alerts"))) {
      if (alertName.equals(alert.path("labels").path("alertname").asText())) {
        String s = alert.path("state").asText();
        if (s.equals("firing") || state.equals("inactive")) {
          state = s;
        }
      }
    }
    return state;
  }

  private JsonNode get(String pathAndQuery) {
    try {
      HttpResponse<String> response = http.send(
          HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      JsonNode body = JSON.readTree(response.body());
      if (response.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
        throw new IllegalStateException(pathAndQuery + " -> " + response.statusCode() + " " + response.body());
      }
      return body.path("data");
    } catch (IOException e) {
      throw new IllegalStateException("Prometheus at " + base + " did not answer " + pathAndQuery, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static List<JsonNode> list(JsonNode array) {
    List<JsonNode> items = new ArrayList<>();
    array.forEach(items::add);
    return items;
  }
}
