package org.example.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.websocket.api.exceptions.UpgradeException;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.example.echo.leadership.Candidate;
import org.example.echo.leadership.CompetingLock;
import org.example.echo.leadership.FakeConsul;
import org.example.echo.leadership.Leadership;
import org.example.echo.leadership.LeadershipTiming;
import org.example.echo.leadership.LeaseTerms;
import org.example.echo.leadership.TimeSource;
import org.example.echo.testkit.EchoClient;
import org.example.echo.ws.LoopbackSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The service as Main builds it, with test adapters where it meets the outside: a loopback port, and for Consul
 * mode the real Leadership and its loops over an in-memory lock service instead of Consul.
 */
class EchoServiceTest {

  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final LeadershipTiming TIMING = LeadershipTiming.defaults();
  private static final LeaseTerms TERMS =
      new LeaseTerms(Duration.ofMillis(800), Duration.ofMillis(1000), Duration.ofMillis(1600));
  private static final Duration DRAIN = Duration.ofSeconds(2);
  private static WebSocketClient client;

  @BeforeAll
  static void startClient() throws Exception {
    client = new WebSocketClient();
    client.start();
  }

  @AfterAll
  static void stopClient() throws Exception {
    client.stop();
  }

  @Test
  void standaloneServesAtOnceAndClosesItsClientsWith1001WhenStopped() throws Exception {
    EchoService service = EchoService.standalone(new LoopbackSettings().build());
    assertThat(service.start()).isTrue();
    URI uri = uri(service);
    EchoClient c = EchoClient.connect(client, uri);
    assertThat(c.echo("at once", WAIT)).isEqualTo("echo: at once");
    assertThat(health(service)).contains("\"role\":\"standalone\"", "\"holder\":\"\"");

    // No proxy follows a lock holder, so no 503 window; a wall-clock bound here failed on a loaded CI machine.
    assertThat(service.drainTime()).as("no drain without a lock service").isZero();
    service.stop();

    assertThat(c.closed().get(5, TimeUnit.SECONDS).code()).isEqualTo(1001);
    assertThatThrownBy(() -> EchoClient.connect(client, uri)).isInstanceOf(ExecutionException.class);
  }

  @Test
  void consulModeReleasesFirstThenClosesClientsThenLeavesThenDrainsWith503() throws Exception {
    FakeConsul consul = new FakeConsul(TimeSource.system(), TERMS).withBlockingReads();
    AtomicBoolean portClosed = new AtomicBoolean();
    EchoService service = new EchoService(new LoopbackSettings().build(),
        (gate, role, port) -> new CompetingLock(
            new Leadership(consul.portFor("a"), gate, role, TIMING, TimeSource.system(),
                new Candidate("a", "127.0.0.1", port)),
            Duration.ofMillis(100),
            () -> portClosed.set(true)),
        DRAIN);
    assertThat(service.start()).isTrue();
    URI uri = uri(service);
    // A new session waits until it is older than the longest hold before it opens (LeaseState).
    await().atMost(WAIT).until(() -> health(service).contains("\"role\":\"leader\""));
    EchoClient c = EchoClient.connect(client, uri);
    assertThat(c.echo("leader", WAIT)).isEqualTo("echo: leader");
    AtomicReference<String> healthWhileDeregistering = new AtomicReference<>();
    AtomicLong deregisteredAt = new AtomicLong();
    consul.duringDeregister = () -> {
      deregisteredAt.set(System.nanoTime());
      healthWhileDeregistering.set(health(service));
    };

    CompletableFuture<Long> stopped = CompletableFuture.supplyAsync(() -> {
      try {
        service.stop();
        return System.nanoTime();
      } catch (InterruptedException e) {
        throw new CompletionException(e);
      }
    });

    assertThat(c.closed().get(5, TimeUnit.SECONDS).code()).isEqualTo(1001);
    await().atMost(WAIT).until(() -> consul.callsSoFar().contains("a destroySession"));
    assertThatThrownBy(() -> EchoClient.connect(client, uri))
        .as("draining: the port still answers, with 503")
        .hasCauseInstanceOf(UpgradeException.class)
        .cause()
        .satisfies(x -> assertThat(((UpgradeException) x).getResponseStatusCode()).isEqualTo(503));
    long stoppedAt = stopped.get(5, TimeUnit.SECONDS);

    List<String> calls = consul.callsSoFar();
    assertThat(calls.indexOf("a release")).as("released before leaving").isNotNegative()
        .isLessThan(calls.indexOf("a leave"));
    assertThat(calls.indexOf("a leave")).isLessThan(calls.lastIndexOf("a destroySession"));
    assertThat(healthWhileDeregistering.get()).as("the clients were gone before leaving")
        .contains("\"connections\":0", "\"role\":\"stopping\"");
    assertThat(consul.holderSession()).isEmpty();
    assertThat(consul.registered("a")).isFalse();
    assertThat(portClosed).isTrue();
    assertThat(Duration.ofNanos(stoppedAt - deregisteredAt.get())).isGreaterThanOrEqualTo(DRAIN);
    assertThatThrownBy(() -> EchoClient.connect(client, uri)).isInstanceOf(ExecutionException.class);
  }

  @Test
  void aServerThatCannotStartIsReportedAndNoLockIsTaken() throws Exception {
    EchoService first = EchoService.standalone(new LoopbackSettings().build());
    assertThat(first.start()).isTrue();
    AtomicBoolean lockOpened = new AtomicBoolean();
    try {
      EchoService second = new EchoService(new LoopbackSettings().port(first.port()).build(),
          (gate, role, port) -> {
            lockOpened.set(true);
            throw new AssertionError("no lock without a server");
          },
          Duration.ZERO);
      assertThat(second.start()).isFalse();
      assertThat(lockOpened).isFalse();
    } finally {
      first.stop();
    }
  }

  private static URI uri(EchoService service) {
    return URI.create("ws://127.0.0.1:" + service.port() + "/");
  }

  private static String health(EchoService service) {
    try {
      return HttpClient.newHttpClient()
          .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + "/healthz")).build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
