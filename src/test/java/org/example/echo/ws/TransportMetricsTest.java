package org.example.echo.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.example.echo.common.EchoReply;
import org.example.echo.cluster.ClusterView;
import org.example.echo.core.InstanceDirectory;
import org.example.echo.core.RoleStatus;
import org.example.echo.metrics.ServiceMetrics;
import org.example.echo.testkit.EchoClient;
import org.example.echo.testkit.MetricsText;
import org.example.echo.testkit.RawWebSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code GET /metrics} on the real server: the transport's numbers move with what real clients do. */
class TransportMetricsTest {

  private static final Duration WAIT = Duration.ofSeconds(5);
  private static WebSocketClient client;
  private EchoServer server;

  @BeforeAll
  static void startClient() throws Exception {
    client = new WebSocketClient();
    client.start();
  }

  @AfterAll
  static void stopClient() throws Exception {
    client.stop();
  }

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.shutdown(Duration.ofSeconds(1));
    }
  }

  private EchoServer start(EchoSettings settings, boolean serving) throws Exception {
    server = new EchoServer(settings, () -> RoleStatus.standalone(Instant.EPOCH), new ServiceMetrics(),
        ClusterView.of("echo", InstanceDirectory.none()));
    server.start();
    if (serving) {
      server.gate().open();
    }
    return server;
  }

  private URI uri() {
    return URI.create("ws://127.0.0.1:" + server.port() + "/");
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private MetricsText metrics() throws IOException, InterruptedException {
    HttpResponse<String> response = get("/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    return MetricsText.parse(response.body());
  }

  @Test
  void openConnectionsFollowClientsAndClosesCountByCode() throws Exception {
    start(new LoopbackSettings().build(), true);
    List<EchoClient> clients = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      clients.add(EchoClient.connect(client, uri()));
    }
    await().atMost(WAIT).until(() -> metrics().count("echo_websocket_connections") == 3);
    assertThat(metrics().count("echo_websocket_connects_total")).isEqualTo(3);

    clients.get(0).session().close(1000, "bye", Callback.NOOP);
    clients.get(0).closed().get(5, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> metrics().count("echo_websocket_closes_total", "code", "1000") == 1);
    assertThat(metrics().count("echo_websocket_connections")).isEqualTo(2);

    clients.get(1).session().close(4321, "app-specific", Callback.NOOP);
    await().atMost(WAIT).until(() -> metrics().count("echo_websocket_closes_total", "code", "other") == 1);
    assertThat(metrics().count("echo_websocket_closes_total", "code", "4321")).as("no series per private code")
        .isZero();
    assertThat(metrics().count("echo_websocket_connections")).isEqualTo(1);
  }

  @Test
  void messagesAndPayloadBytesAreCountedEachWayByType() throws Exception {
    start(new LoopbackSettings().build(), true);
    EchoClient c = EchoClient.connect(client, uri());
    assertThat(c.echo("grüße", WAIT)).isEqualTo(EchoReply.to("grüße")); // 7 bytes of UTF-8, reply 13
    assertThat(c.echo("abc", WAIT)).isEqualTo(EchoReply.to("abc"));
    c.sendBinary(new byte[] {1, 2, 3, 4, 5});
    assertThat(c.next(WAIT)).isNotNull();

    await().atMost(WAIT).untilAsserted(() -> {
      MetricsText m = metrics();
      assertThat(m.count("echo_websocket_messages_received_total", "type", "text")).isEqualTo(2);
      assertThat(m.count("echo_websocket_messages_sent_total", "type", "text")).isEqualTo(2);
      assertThat(m.count("echo_websocket_received_bytes_total", "type", "text")).isEqualTo(10);
      assertThat(m.count("echo_websocket_sent_bytes_total", "type", "text")).isEqualTo(10 + 2 * 6);
      assertThat(m.count("echo_websocket_messages_received_total", "type", "binary")).isEqualTo(1);
      assertThat(m.count("echo_websocket_received_bytes_total", "type", "binary")).isEqualTo(5);
      assertThat(m.count("echo_websocket_sent_bytes_total", "type", "binary")).isEqualTo(5);
    });
  }

  @Test
  void refusedUpgradesCountByReason() throws Exception {
    start(new LoopbackSettings().build(), false);
    assertThatThrownBy(() -> EchoClient.connect(client, uri())).hasMessageContaining("503");
    assertThatThrownBy(() -> EchoClient.connect(client, uri(), Map.of("Origin", "http://elsewhere.example")))
        .hasMessageContaining("403");
    MetricsText m = metrics();
    assertThat(m.count("echo_websocket_upgrades_refused_total", "reason", "standby")).isEqualTo(1);
    assertThat(m.count("echo_websocket_upgrades_refused_total", "reason", "origin")).isEqualTo(1);
    assertThat(m.value("echo_websocket_upgrades_refused_total", "reason", "limit")).hasValue(0);
    assertThat(m.count("echo_websocket_connects_total")).isZero();
  }

  @Test
  void connectionsRefusedByALimitAreCounted() throws Exception {
    start(new LoopbackSettings().maxConnections(1).build(), true);
    EchoClient first = EchoClient.connect(client, uri());
    assertThatThrownBy(() -> EchoClient.connect(client, uri())).hasMessageContaining("503");
    assertThatThrownBy(() -> EchoClient.connect(client, uri())).hasMessageContaining("503");
    first.close();
    await().atMost(WAIT).until(() -> server.endPoints().isEmpty());

    MetricsText m = metrics();
    assertThat(m.count("echo_websocket_upgrades_refused_total", "reason", "limit")).isEqualTo(2);
    assertThat(m.count("echo_websocket_connects_total")).isEqualTo(1);
  }

  @Test
  void aSlowReaderCutOffIsCounted() throws Exception {
    start(new LoopbackSettings().sendQueueLimit(8).build(), true);
    byte[] message = "z".repeat(4000).getBytes(StandardCharsets.UTF_8);
    try (RawWebSocket slow = RawWebSocket.connect(server.port(), 4096)) {
      CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
        try {
          for (int n = 0; n < 100_000; n++) {
            slow.sendFrame(RawWebSocket.TEXT, message, true);
          }
        } catch (IOException expected) {
          // the server cut us off
        }
      });
      await().atMost(Duration.ofSeconds(15)).until(() -> metrics().count("echo_websocket_slow_reader_cutoffs_total") == 1);
      sending.get(15, TimeUnit.SECONDS);
    }
    await().atMost(WAIT).until(() -> metrics().count("echo_websocket_closes_total", "code", "1008") == 1);
  }

  @Test
  void aStandbyServesMetricsInPrometheusTextWithJettysOwn() throws Exception {
    start(new LoopbackSettings().build(), false);
    HttpResponse<String> response = get("/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue(ServiceMetrics.CONTENT_TYPE);
    assertThat(response.body()).contains("# TYPE echo_websocket_connects_total counter", "# HELP echo_websocket_connections");
    MetricsText m = MetricsText.parse(response.body());
    assertThat(m.value("jetty_threads_busy")).isPresent();
    assertThat(m.value("jetty_threads_config_max")).isPresent();
    assertThat(m.value("jetty_connections_current_connections")).isPresent();
    HttpResponse<String> post = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
            .POST(HttpRequest.BodyPublishers.ofString("x")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.body()).isEqualTo("use GET on /metrics\n");
  }
}
