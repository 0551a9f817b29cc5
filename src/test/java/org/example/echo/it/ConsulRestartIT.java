package org.example.echo.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.example.echo.testkit.ConsulFixture;
import org.example.echo.testkit.EchoProcess;
import org.example.echo.testkit.OverlapSampler;
import org.example.echo.testkit.ProcessCluster;
import org.junit.jupiter.api.Test;

/** A dev agent restart loses all state: instances re-register and exactly one leads again within 10 s. */
class ConsulRestartIT {

  @Test
  void exactlyOneLeaderAgainWithinTenSecondsOfAConsulRestart() throws Exception {
    try (ConsulFixture consul = new ConsulFixture();
        ProcessCluster cluster = new ProcessCluster(consul.url()).start(2)) {
      EchoProcess before = cluster.awaitSettledLeader(Duration.ofSeconds(30));
      try (OverlapSampler sampler = cluster.sampler()) {
        long t0 = System.nanoTime();
        consul.restart();
        long restarted = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        String index = consul.get("/v1/kv/?keys");
        EchoProcess after = cluster.awaitSingleLeader(Duration.ofSeconds(10).minusMillis(restarted));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        System.out.printf("[measured] Consul restart (%d ms until it answered again, state lost: %s) -> "
            + "exactly one leader again after %d ms (limit 10000); before %s, after %s%n",
            restarted, index.isBlank() || !index.contains(cluster.service), ms, before, after);
        assertThat(ms).isLessThan(10_000);
        ProcessCluster.assertNoOverlap(sampler);
      }
    }
  }
}
