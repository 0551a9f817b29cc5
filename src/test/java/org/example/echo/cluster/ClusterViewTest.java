package org.example.echo.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.example.echo.core.InstanceDirectory;
import org.example.echo.core.RegisteredInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The view's own logic with a fake directory: registrations that share an address are one row. The address that
 * answers is a stand-in serving a fixed {@code /healthz}; the dead ones are closed ports.
 */
class ClusterViewTest {

  private static final Instant NOW = Instant.parse("2026-12-01T13:00:00Z");

  private HttpServer alive;

  @BeforeEach
  void startAlive() throws IOException {
    alive = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    alive.createContext("/healthz", exchange -> {
      byte[] body = """
          {"status":"UP","role":"standby","roleSince":"2026-12-01T12:59:58Z","version":"v1","connections":3}
          """.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    alive.start();
  }

  @AfterEach
  void stopAlive() {
    alive.stop(0);
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static RegisteredInstance at(String id, int port, String health) {
    return new RegisteredInstance(id, "127.0.0.1", port, health);
  }

  /** The rows of one round in which the directory lists these registrations, in this order. */
  private static List<InstanceReport> rows(RegisteredInstance... listed) throws Exception {
    InstanceDirectory directory = () -> List.of(listed);
    ClusterView view = new ClusterView("echo", directory, new HealthProbe(Duration.ofMillis(500)),
        Clock.fixed(NOW, ZoneOffset.UTC), Runnable::run);
    return view.report().get(10, TimeUnit.SECONDS).instances();
  }

  @Test
  void aRestartedInstanceIsOneRowAndItsOldRegistrationIsMarkedStale() throws Exception {
    int port = alive.getAddress().getPort();
    // As Consul lists them, sorted by id: the killed process's registration first, critical until reaped.
    List<InstanceReport> rows = rows(
        at("echo-1-killed", port, "critical"),
        at("echo-2-restarted", port, "passing"));

    assertThat(rows).containsExactly(new InstanceReport("echo-2-restarted", "127.0.0.1:" + port, "passing", "standby",
        "2026-12-01T12:59:58Z", "v1", 3, "", List.of("echo-1-killed")));
  }

  @Test
  void oneRowPerAddressAndPortWhateverTheOrderAndEqualChecksKeepTheSmallerId() throws Exception {
    int port = alive.getAddress().getPort();
    int dead = closedPort();
    int alone = closedPort();
    while (alone == dead) { // a freed port may come back at once; the two must be two addresses
      alone = closedPort();
    }
    List<InstanceReport> rows = rows(
        at("echo-9-live", port, "passing"),
        at("echo-3-old", port, "critical"),
        at("echo-5-old", port, "unknown-state"),
        at("echo-8-dead", dead, "critical"),
        at("echo-7-dead", dead, "critical"),
        at("echo-6-alone", alone, "passing"));

    assertThat(rows).extracting(InstanceReport::address)
        .containsExactly("127.0.0.1:" + port, "127.0.0.1:" + dead, "127.0.0.1:" + alone);
    InstanceReport live = rows.get(0);
    assertThat(live.id()).isEqualTo("echo-9-live");
    assertThat(live.role()).isEqualTo("standby");
    assertThat(live.staleRegistrations()).containsExactly("echo-3-old", "echo-5-old"); // unknown below critical
    InstanceReport gone = rows.get(1);
    assertThat(gone.address()).isEqualTo("127.0.0.1:" + dead);
    assertThat(gone.id()).isEqualTo("echo-7-dead");
    assertThat(gone.role()).isEqualTo(InstanceReport.UNREACHABLE);
    assertThat(gone.since()).isEqualTo(NOW.toString());
    assertThat(gone.consulHealth()).isEqualTo("critical");
    assertThat(gone.staleRegistrations()).containsExactly("echo-8-dead");
    assertThat(rows.get(2).id()).isEqualTo("echo-6-alone");
    assertThat(rows.get(2).staleRegistrations()).isEmpty();
  }
}
