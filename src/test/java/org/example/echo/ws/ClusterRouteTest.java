package org.example.echo.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.example.echo.cluster.ClusterView;
import org.example.echo.core.InstanceDirectory;
import org.example.echo.core.RegisteredInstance;
import org.example.echo.core.RoleStatus;
import org.example.echo.metrics.ServiceMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code GET /cluster} on the real server: it asks every listed instance's /healthz itself. */
class ClusterRouteTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final List<EchoServer> servers = new ArrayList<>();

  @AfterEach
  void stopServers() {
    servers.forEach(s -> s.shutdown(Duration.ofMillis(200)));
  }

  private EchoServer server(String role, ClusterView cluster) throws Exception {
    EchoServer server = new EchoServer(new LoopbackSettings().build(),
        () -> new RoleStatus(role, "a", Instant.parse("2026-01-02T03:04:05Z")), new ServiceMetrics(), cluster);
    servers.add(server);
    server.start();
    return server;
  }

  private static RegisteredInstance at(String id, int port, String health) {
    return new RegisteredInstance(id, "127.0.0.1", port, health);
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static HttpResponse<String> get(EchoServer server, String method) throws Exception {
    return HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/cluster"))
            .method(method, HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void listsEveryRegisteredAddressOnceWithTheRoleItReportsOrUnreachable() throws Exception {
    EchoServer standby = server("standby", ClusterView.of("echo", InstanceDirectory.none()));
    int gone = closedPort();
    AtomicInteger asked = new AtomicInteger();
    List<RegisteredInstance> listed = new ArrayList<>();
    EchoServer leader = server("leader", ClusterView.of("echo", () -> {
      asked.incrementAndGet();
      return listed;
    }));
    // "a-old": the leader's address registered by a process killed before it started, not yet reaped.
    listed.addAll(List.of(at("a", leader.port(), "passing"), at("a-old", leader.port(), "critical"),
        at("b", standby.port(), "passing"), at("c", gone, "critical")));

    HttpResponse<String> response = get(leader, "GET");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("service").asText()).isEqualTo("echo");
    assertThat(Instant.parse(body.get("askedAt").asText())).isBefore(Instant.now().plusSeconds(1));
    JsonNode rows = body.get("instances");
    assertThat(rows).hasSize(3);
    assertThat(rows.get(0).get("id").asText()).isEqualTo("a");
    assertThat(rows.get(0).get("role").asText()).isEqualTo("leader");
    assertThat(rows.get(0).get("since").asText()).isEqualTo("2026-01-02T03:04:05Z");
    assertThat(rows.get(0).get("address").asText()).isEqualTo("127.0.0.1:" + leader.port());
    assertThat(rows.get(0).get("version").asText()).isEqualTo("test");
    assertThat(rows.get(0).get("connections").asInt()).isZero();
    assertThat(rows.get(0).get("staleRegistrations")).containsExactly(JSON.getNodeFactory().textNode("a-old"));
    assertThat(rows.get(1).get("staleRegistrations").isArray()).isTrue();
    assertThat(rows.get(1).get("staleRegistrations")).isEmpty();
    assertThat(rows.get(1).get("role").asText()).isEqualTo("standby");
    JsonNode unreachable = rows.get(2);
    assertThat(unreachable.get("role").asText()).isEqualTo("unreachable");
    assertThat(unreachable.get("consulHealth").asText()).isEqualTo("critical");
    assertThat(unreachable.get("problem").asText()).isNotEmpty();
    assertThat(unreachable.get("connections").asInt()).isEqualTo(-1);

    // Pages polling together share one round: the answer just given is reused.
    assertThat(JSON.readTree(get(leader, "GET").body()).get("askedAt")).isEqualTo(body.get("askedAt"));
    assertThat(asked).hasValue(1);
  }

  @Test
  void aDirectoryThatCannotBeAskedIsA503WithOneLine() throws Exception {
    EchoServer server = server("leader", ClusterView.of("echo", () -> {
      throw new InstanceDirectory.Unavailable("Consul did not list echo: connection refused", null);
    }));
    HttpResponse<String> response = get(server, "GET");
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body()).isEqualTo("cluster view unavailable: Consul did not list echo: connection refused\n");
    HttpResponse<String> post = get(server, "POST");
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.body()).isEqualTo("use GET on /cluster\n");
  }

  @Test
  void anyFailureIsStillOneLine() throws Exception {
    EchoServer server = server("leader", ClusterView.of("echo", () -> {
      throw new IllegalStateException("first line\n\tsecond line");
    }));
    assertThat(get(server, "GET").body()).isEqualTo("cluster view unavailable: first line second line\n");
  }

  @Test
  void standaloneListsNobody() throws Exception {
    EchoServer server = server("standalone", ClusterView.of("standalone", InstanceDirectory.none()));
    assertThat(JSON.readTree(get(server, "GET").body()).get("instances")).isEmpty();
  }
}
