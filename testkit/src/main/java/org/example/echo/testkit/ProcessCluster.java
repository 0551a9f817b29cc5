package org.example.echo.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/** N instances of the jar sharing one Consul and one unique service name; closes them all. */
public final class ProcessCluster implements AutoCloseable {
  public final String service = "it-" + UUID.randomUUID().toString().substring(0, 8);
  public final List<EchoProcess> instances = new ArrayList<>();
  private final URI consul;

  public ProcessCluster(URI consul) {
    this.consul = consul;
  }

  public ProcessCluster start(int n) throws Exception {
    for (int i = 0; i < n; i++) {
      instances.add(EchoProcess.start(String.valueOf((char) ('a' + i)), consul, service));
    }
    return this;
  }

  /** One instance per Consul agent address (an agent per host), in order. */
  public ProcessCluster start(List<URI> agents) throws Exception {
    for (int i = 0; i < agents.size(); i++) {
      instances.add(EchoProcess.start(String.valueOf((char) ('a' + i)), agents.get(i), service));
    }
    return this;
  }

  /**
   * How long a standby must have been one before the cluster counts as settled: longer than a young session's
   * wait before it may open (at most the leader's longest unconfirmed serving window), so a hand-over measured
   * from a settled cluster is the hand-over itself, not a standby that has only just created its session.
   */
  public static final long SETTLED_STANDBY_SECONDS = 3;

  /**
   * {@link #awaitSingleLeader}, and every standby has been one for {@link #SETTLED_STANDBY_SECONDS}: where a test
   * starts, so what it measures starts from a settled cluster.
   */
  public EchoProcess awaitSettledLeader(Duration atMost) {
    return awaitSingleLeader(atMost, SETTLED_STANDBY_SECONDS);
  }

  /**
   * Waits until exactly one live instance accepts upgrades and every other live one answers 503 and reports
   * {@code standby} (it has a session and watches the key).
   */
  public EchoProcess awaitSingleLeader(Duration atMost) {
    return awaitSingleLeader(atMost, 0);
  }

  private EchoProcess awaitSingleLeader(Duration atMost, long standbySeconds) {
    AtomicReference<EchoProcess> leader = new AtomicReference<>();
    await("exactly one of " + instances + " serving").atMost(atMost).pollInterval(Duration.ofMillis(20))
        .until(() -> {
          List<EchoProcess> serving = new ArrayList<>();
          for (EchoProcess p : live()) {
            int status = p.upgradeStatus();
            if (status == 101) {
              serving.add(p);
            } else if (status != 503 || !p.role().equals("standby")
                || (standbySeconds > 0 && p.secondsInRole() < standbySeconds)) {
              return false;
            }
          }
          leader.set(serving.size() == 1 ? serving.get(0) : null);
          return serving.size() == 1;
        });
    return leader.get();
  }

  /** Milliseconds from {@code sinceNanos} until a live instance other than {@code old} serves. */
  public long awaitTakeover(EchoProcess old, long sinceNanos, Duration atMost) {
    AtomicReference<Long> at = new AtomicReference<>();
    await("another instance serving").atMost(atMost).pollInterval(Duration.ofMillis(5))
        .until(() -> {
          for (EchoProcess p : live()) {
            if (p != old && p.serving()) {
              at.set(System.nanoTime());
              return true;
            }
          }
          return false;
        });
    return TimeUnit.NANOSECONDS.toMillis(at.get() - sinceNanos);
  }

  public List<EchoProcess> live() {
    return instances.stream().filter(EchoProcess::alive).toList();
  }

  /** Asks every instance every 20 ms whether it accepts a WebSocket upgrade, for at most a minute. */
  public OverlapSampler sampler() {
    return sampler(Duration.ofSeconds(60));
  }

  /** The same, for at most {@code limit}: for a test step that may wait longer than a minute. */
  public OverlapSampler sampler(Duration limit) {
    Map<String, BooleanSupplier> targets = new LinkedHashMap<>();
    instances.forEach(p -> targets.put(p.name, p::serving));
    return new OverlapSampler("serving-sampler", targets, Duration.ofMillis(20), limit);
  }

  /** Keeps sampling for at least half a second after the event, then checks no round had two serving. */
  public static void assertNoOverlap(OverlapSampler sampler) {
    int seen = sampler.rounds();
    await("sampler rounds after the event").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
        .until(() -> sampler.rounds() >= seen + 25);
    System.out.printf("[measured] %d sampling rounds at 20 ms, rounds with two serving: %d%n",
        sampler.rounds(), sampler.overlaps().size());
    assertThat(sampler.overlaps()).as("rounds in which two instances served").isEmpty();
  }

  @Override
  public void close() throws java.io.IOException {
    for (EchoProcess p : instances) {
      p.close();
    }
  }
}
