package org.example.echo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.example.echo.common.EchoReply;
import org.example.echo.testkit.ComposeStack;
import org.example.echo.testkit.EchoClient;
import org.example.echo.testkit.MetricsText;
import org.example.echo.testkit.PrometheusApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The stack as an operator watches it: every replica's /metrics, Prometheus finding them through Consul, the
 * leader gauge and transitions across a failover, the "no leader" alert, the connections gauge, /cluster.
 */
class PrometheusE2E {

  private static final Duration STEADY = Duration.ofSeconds(60);
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

  private static ComposeStack stack;
  private static WebSocketClient client;
  private PrometheusApi prometheus;

  @BeforeAll
  static void connect() throws Exception {
    stack = new ComposeStack();
    client = new WebSocketClient();
    client.start();
  }

  @AfterAll
  static void disconnect() throws Exception {
    client.stop();
  }

  @BeforeEach
  @AfterEach
  void steadyStack() {
    stack.restoreAll();
    stack.awaitSteady(STEADY);
    prometheus = PrometheusApi.of(stack);
  }

  private static String instance(String replica) {
    return stack.ip(replica) + ":8080";
  }

  private static String get(URI uri) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).timeout(WAIT).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET %s", uri).isEqualTo(200);
    return response.body();
  }

  private static MetricsText metricsOf(String replica) throws Exception {
    return MetricsText.parse(get(URI.create("http://" + instance(replica) + "/metrics")));
  }

  /** The series of {@code echo_leader == 1}: the instances Prometheus last saw leading. */
  private List<String> leaderSeries() {
    return prometheus.query("echo_leader == 1").stream().map(s -> PrometheusApi.label(s, "instance")).toList();
  }

  @Test
  void everyReplicaServesMetricsAndPrometheusFindsThemAllThroughConsulAsUp() throws Exception {
    String leader = stack.awaitSteady(STEADY);
    for (String replica : ComposeStack.REPLICAS) {
      MetricsText m = metricsOf(replica);
      assertThat(m.value("echo_leader")).as(replica).hasValue(replica.equals(leader) ? 1 : 0);
      assertThat(m.has("jvm_memory_used_bytes") && m.has("jetty_threads_busy")).as(replica).isTrue();
      assertThat(m.has("echo_consul_requests_seconds_count")).as(replica).isTrue();
      // Every instance keeps its session alive (t_h); only the holder confirms that it holds the lock (t_c).
      assertThat(m.value("echo_lock_keepalive_age_seconds").orElseThrow()).as(replica).isBetween(0.0, 1.0);
      if (replica.equals(leader)) {
        assertThat(m.value("echo_lock_confirmed_age_seconds").orElseThrow()).as(replica).isBetween(0.0, 1.0);
      } else {
        assertThat(m.value("echo_lock_confirmed_age_seconds").orElseThrow()).as(replica).isNaN();
      }
    }
    await("Prometheus scrapes every replica, found through Consul, as up")
        .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
        .until(() -> ComposeStack.REPLICAS.stream().allMatch(r -> prometheus.targets("echo").stream().anyMatch(
            t -> instance(r).equals(t.path("labels").path("instance").asText()) && "up".equals(t.path("health").asText()))));
    List<JsonNode> targets = prometheus.targets("echo");
    System.out.printf("MEASURED prometheus targets: %s%n", targets.stream()
        .map(t -> t.path("labels").path("instance").asText() + "=" + t.path("health").asText()).toList());

    // The demo page's view, through nginx: both replicas with the role they report.
    JsonNode cluster = JSON.readTree(get(URI.create(stack.echoUri().toString().replace("ws://", "http://") + "cluster")));
    List<String> rows = new ArrayList<>();
    cluster.path("instances").forEach(i -> rows.add(i.path("address").asText() + " " + i.path("role").asText()));
    assertThat(rows).contains(instance(leader) + " leader");
    assertThat(rows).anyMatch(r -> r.endsWith(" standby"));
  }

  @Test
  void exactlyOneLeaderSeriesBeforeAndAfterAFailoverAndTheTransitionIsCounted() throws Exception {
    String leader = stack.awaitSteady(STEADY);
    String standby = ComposeStack.otherReplica(leader);
    await("Prometheus sees the leader").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
        .until(() -> leaderSeries().equals(List.of(instance(leader))));
    String promotions = "sum(echo_role_transitions_total{instance=\"" + instance(standby) + "\",to=\"leader\"}) or vector(0)";
    double before = prometheus.scalar(promotions).orElseThrow();

    long killedAt = System.nanoTime();
    ComposeStack.docker("kill", stack.container(leader));
    await("Prometheus sees exactly the new leader").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
        .until(() -> leaderSeries().equals(List.of(instance(standby))));
    long seenMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
    await("the promotion counted").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
        .until(() -> prometheus.scalar(promotions).orElseThrow() == before + 1);
    assertThat(leaderSeries()).containsExactly(instance(standby));
    assertThat(prometheus.alertState("EchoMoreThanOneLeader")).isEqualTo("inactive");
    System.out.printf("MEASURED prometheus failover: echo_leader==1 on %s only, %d ms after killing %s; "
        + "%s's transitions to leader %.0f -> %.0f%n", standby, seenMs, leader, standby, before, before + 1);
  }

  @Test
  void noLeaderAlertFiresWithEveryReplicaStoppedAndClearsWhenOneReturns() throws Exception {
    stack.awaitSteady(STEADY);
    await().atMost(Duration.ofSeconds(30)).until(() -> "inactive".equals(prometheus.alertState("EchoNoLeader")));
    List<String> stop = new ArrayList<>(List.of("stop", "-t", "10"));
    ComposeStack.REPLICAS.forEach(r -> stop.add(stack.container(r)));
    ComposeStack.docker(stop.toArray(String[]::new));
    long stoppedAt = System.nanoTime();
    await("EchoNoLeader fires").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
        .until(() -> "firing".equals(prometheus.alertState("EchoNoLeader")));
    long firedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedAt);

    String back = ComposeStack.REPLICAS.get(0);
    ComposeStack.docker("start", stack.container(back));
    long startedAt = System.nanoTime();
    await("EchoNoLeader clears").atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(250))
        .until(() -> "inactive".equals(prometheus.alertState("EchoNoLeader")));
    long clearedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt);
    assertThat(stack.role(back)).isEqualTo("leader");
    assertThat(leaderSeries()).containsExactly(instance(back));
    System.out.printf("MEASURED prometheus alert: EchoNoLeader firing %d ms after every replica stopped "
        + "(for: 5s), inactive %d ms after %s started again%n", firedMs, clearedMs, back);
  }

  @Test
  void twentyClientsShowInTheServingInstancesConnectionsGauge() throws Exception {
    String leader = stack.awaitSteady(STEADY);
    List<EchoClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        EchoClient c = EchoClient.connect(client, stack.echoUri());
        assertThat(c.echo("gauge " + i, WAIT)).isEqualTo(EchoReply.to("gauge " + i));
        clients.add(c);
      }
      await("the leader's own /metrics counts 20").atMost(WAIT)
          .until(() -> metricsOf(leader).value("echo_websocket_connections").orElse(-1) == 20);
      String gauge = "echo_websocket_connections{instance=\"" + instance(leader) + "\"}";
      await("Prometheus reads 20").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
          .until(() -> prometheus.scalar(gauge).orElse(-1.0) == 20);
      System.out.printf("MEASURED prometheus gauge: %s = %.0f with 20 clients through nginx%n",
          gauge, prometheus.scalar(gauge).orElseThrow());
    } finally {
      clients.forEach(EchoClient::close);
    }
  }
}
