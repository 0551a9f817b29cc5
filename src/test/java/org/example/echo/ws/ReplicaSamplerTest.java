package org.example.echo.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.example.echo.testkit.ReplicaSampler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The end-to-end tests' "never two serving" sampler (testkit) against two real servers whose gates the test
 * opens and closes: it must report two serving at once, and must not report a hand-over, however slow one of its
 * questions is. It lives here because the testkit cannot depend on the service.
 */
class ReplicaSamplerTest {

  private static final Duration INTERVAL = Duration.ofMillis(10);
  private static final Duration WAIT = Duration.ofSeconds(10);

  @RegisterExtension final RunningServers servers = new RunningServers();

  private static Supplier<URI> at(EchoServer server) {
    return () -> URI.create("ws://127.0.0.1:" + server.port() + "/");
  }

  private static ReplicaSampler sampling(Map<String, Supplier<URI>> replicas) throws Exception {
    return new ReplicaSampler(replicas, INTERVAL, Duration.ofSeconds(60));
  }

  @Test
  void twoServingAtOnceAreReported() throws Exception {
    EchoServer a = servers.standby();
    EchoServer b = servers.standby();
    a.gate().open();
    try (ReplicaSampler sampler = sampling(new LinkedHashMap<>(Map.of("a", at(a), "b", at(b))))) {
      await().atMost(WAIT).until(() -> sampler.answers() >= 3);
      assertThat(sampler.overlaps()).isEmpty();

      b.gate().open();
      await().atMost(WAIT).until(() -> !sampler.overlaps().isEmpty());
      assertThat(sampler.overlaps().get(0)).contains("a served").contains("b served");
    }
  }

  /**
   * The false alarm of the sampler that asked each replica once per round: b's question is held up from before
   * the hand-over until after it (as a loaded machine once held one up for 210 ms), while a answered at once.
   */
  @Test
  void aHandOverIsNotAnOverlapWhileAQuestionIsHeldUpAcrossIt() throws Exception {
    EchoServer a = servers.standby();
    EchoServer b = servers.standby();
    a.gate().open();
    CountDownLatch bAsked = new CountDownLatch(1);
    CountDownLatch handedOver = new CountDownLatch(1);
    Supplier<URI> slowB = () -> {
      bAsked.countDown();
      awaitQuietly(handedOver);
      return at(b).get();
    };
    Map<String, Supplier<URI>> replicas = new LinkedHashMap<>();
    replicas.put("a", at(a));
    replicas.put("b", slowB);
    try (ReplicaSampler sampler = sampling(replicas)) {
      await().atMost(WAIT).until(() -> sampler.answers("a") >= 3 && bAsked.getCount() == 0);

      a.gate().close(1001, "going away");
      b.gate().open();
      handedOver.countDown();
      await().atMost(WAIT).until(() -> sampler.answers("b") >= 3); // b's connection, held and answering

      // And back, several times, each as soon as the other closed.
      for (int i = 0; i < 5; i++) {
        boolean toA = i % 2 == 0;
        EchoServer from = toA ? b : a;
        from.gate().close(1001, "going away");
        (toA ? a : b).gate().open();
        String to = toA ? "a" : "b";
        int before = sampler.answers(to);
        await().atMost(WAIT).until(() -> sampler.answers(to) >= before + 3 && from.openConnections() == 0);
      }
      assertThat(sampler.overlaps()).isEmpty();
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
