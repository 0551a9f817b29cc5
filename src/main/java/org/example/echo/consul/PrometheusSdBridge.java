package org.example.echo.consul;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.example.echo.core.InstanceDirectory;
import org.example.echo.core.RegisteredInstance;

/**
 * Prometheus HTTP service discovery ({@code http_sd_configs}) answered from Consul's catalog, for Prometheus
 * builds without {@code consul_sd_configs}: Debian's package disables Consul SD (its changelog: "until its
 * Debian package is back in shape"), and that is the Prometheus of this project's build machines. With the
 * official image Prometheus asks Consul itself (prometheus/prometheus.yml.template) and this is not run.
 *
 * <p>{@code java -cp echo-service.jar org.example.echo.consul.PrometheusSdBridge <consul-url> <service> <port>}
 * serves {@code GET /targets}: one group per registered address, with the instance's id and check state as
 * {@code __meta_consul_*} labels like Consul SD's; 503 while Consul does not answer (Prometheus then keeps the
 * targets it had).
 */
public final class PrometheusSdBridge {

  private static final ObjectMapper JSON = new ObjectMapper();

  private PrometheusSdBridge() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println("usage: PrometheusSdBridge <consul-url> <service> <port>");
      System.exit(2);
    }
    InstanceDirectory directory = ConsulInstanceDirectory.connect(
        URI.create(args[0]), Optional.ofNullable(System.getenv("CONSUL_HTTP_TOKEN")), args[1]);
    HttpServer server = HttpServer.create(new InetSocketAddress(Integer.parseInt(args[2])), 16);
    server.createContext("/targets", exchange -> answer(exchange, directory));
    server.start();
    System.out.println("PrometheusSdBridge: targets of " + args[1] + " from " + args[0] + " on :" + args[2] + "/targets");
  }

  private static void answer(HttpExchange exchange, InstanceDirectory directory) throws IOException {
    int status = 200;
    String body;
    try {
      body = targets(directory.instances());
      exchange.getResponseHeaders().add("Content-Type", "application/json");
    } catch (InstanceDirectory.Unavailable e) {
      status = 503;
      body = e.getMessage() + "\n";
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** The HTTP SD body: one target group per address (a restarted instance's old registration folds into it). */
  static String targets(List<RegisteredInstance> instances) throws JsonProcessingException {
    Map<String, Map<String, Object>> groups = new LinkedHashMap<>();
    for (RegisteredInstance i : instances) {
      String address = i.address() + ":" + i.port();
      groups.computeIfAbsent(address, a -> Map.of(
          "targets", List.of(a),
          "labels", Map.of("__meta_consul_service_id", i.id(), "__meta_consul_health", i.health())));
    }
    return JSON.writeValueAsString(List.copyOf(groups.values()));
  }
}
