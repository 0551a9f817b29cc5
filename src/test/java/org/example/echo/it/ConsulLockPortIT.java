package org.example.echo.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.example.echo.consul.ConsulLease;
import org.example.echo.consul.ConsulLockPort;
import org.example.echo.leadership.Candidate;
import org.example.echo.leadership.KeyState;
import org.example.echo.leadership.LeadershipTiming;
import org.example.echo.leadership.LockPortException;
import org.example.echo.testkit.ConsulFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Consul adapter against a real Consul agent: every call leadership relies on, and Consul's timing. */
class ConsulLockPortIT {
  private static final LeadershipTiming TIMING = LeadershipTiming.defaults();
  private static final ConsulLease LEASE = ConsulLease.defaults();
  private static ConsulFixture consul;

  private final String service = "it-port-" + UUID.randomUUID().toString().substring(0, 8);
  private final ConsulLockPort a = port("a", 9001);
  private final ConsulLockPort b = port("b", 9002);
  /** The heartbeats of the ports that hold a session, as the service's keep-alive loop sends them. */
  private final ScheduledExecutorService heartbeats = Executors.newScheduledThreadPool(2);
  private final List<ScheduledFuture<?>> beating = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startConsul() throws Exception {
    consul = new ConsulFixture();
  }

  @AfterAll
  static void stopConsul() throws Exception {
    consul.close();
  }

  @AfterEach
  void closeClients() throws InterruptedException {
    beating.forEach(f -> f.cancel(false));
    heartbeats.shutdown();
    assertThat(heartbeats.awaitTermination(5, TimeUnit.SECONDS)).as("heartbeats stopped").isTrue();
    a.close();
    b.close();
  }

  private ConsulLockPort port(String name, int p) {
    return ConsulLockPort.connect(consul.url(), Optional.empty(), service,
        new Candidate(service + "-" + name, "127.0.0.1", p), LEASE, TIMING.blockingWait());
  }

  /**
   * Registered, with a session, and heartbeating every interval from now on: the check TTL (800 ms) is shorter than
   * a test on a loaded machine, and a session whose check expired is invalidated (then "invalid session").
   */
  private String joined(ConsulLockPort p) throws LockPortException {
    String session = joinedWithoutHeartbeats(p);
    long every = TIMING.heartbeatInterval().toMillis();
    beating.add(heartbeats.scheduleAtFixedRate(() -> {
      try {
        p.keepAlive(false);
      } catch (LockPortException e) {
        System.out.println("heartbeat failed: " + e.getMessage());
      }
    }, every, every, TimeUnit.MILLISECONDS));
    return session;
  }

  /** Registered, with a session, and no heartbeat after the first: the test keeps the check alive, or not. */
  private static String joinedWithoutHeartbeats(ConsulLockPort p) throws LockPortException {
    p.keepAlive(false); // registers, passes
    return p.createSession();
  }

  @Test
  void acquireReadRelease() throws Exception {
    String sa = joined(a);
    String sb = joined(b);
    assertThat(a.watch(0, Duration.ZERO).exists()).isFalse();

    assertThat(a.acquire(sa, "{\"state\":\"held\"}")).isTrue();
    KeyState held = b.watch(0, Duration.ZERO);
    assertThat(held.heldBy(sa)).isTrue();
    assertThat(b.acquire(sb, "x")).isFalse();

    a.release(sa, "{\"state\":\"released\"}");
    KeyState released = b.watch(0, Duration.ZERO);
    assertThat(released.free()).isTrue();
    assertThat(released.value()).isEqualTo("{\"state\":\"released\"}");
    long t0 = System.nanoTime();
    assertThat(b.acquire(sb, "{\"state\":\"held\"}")).as("release has no lock-delay").isTrue();
    assertThat(b.watch(0, Duration.ZERO).heldBy(sb)).isTrue();
    System.out.printf("[measured] acquire after clean release: %d ms%n", ms(System.nanoTime() - t0));
  }

  @Test
  void sessionCarriesTheCheckAndTheShortLockDelay() throws Exception {
    String s = joined(a);
    String info = consul.get("/v1/session/info/" + s);
    System.out.println("[measured] session on Consul: " + info.replaceAll("\\s+", ""));
    assertThat(info.replaceAll("\\s+", ""))
        .contains("\"LockDelay\":" + LEASE.lockDelay().toNanos())
        .contains("\"serfHealth\"")
        .contains(ConsulLockPort.checkIdOf(service + "-a"))
        .contains("\"Behavior\":\"release\"");
    assertThat(a.sessionAlive(s)).isTrue();
    a.destroySession(s);
    assertThat(a.sessionAlive(s)).isFalse();
    assertThatThrownBy(() -> a.acquire(s, "x"))
        .isInstanceOfSatisfying(LockPortException.class,
            e -> assertThat(e.kind()).isEqualTo(LockPortException.Kind.SESSION_INVALID));
  }

  @Test
  void lockDelayHoldsOthersOffAfterAnInvalidation() throws Exception {
    String sa = joined(a);
    String sb = joined(b);
    assertThat(a.acquire(sa, "a")).isTrue();
    consul.put("/v1/session/destroy/" + sa, "");
    long t0 = System.nanoTime();
    assertThat(b.acquire(sb, "b")).as("inside lock-delay").isFalse();
    // b's heartbeats keep its check passing while it waits: the lock-delay (1 s) is longer than the TTL (800 ms).
    await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(20))
        .until(() -> b.acquire(sb, "b"));
    long waited = ms(System.nanoTime() - t0);
    System.out.printf("[measured] acquire blocked by lock-delay for %d ms (configured %d ms)%n",
        waited, LEASE.lockDelay().toMillis());
    assertThat(waited).isBetween(LEASE.lockDelay().toMillis() - 100, LEASE.lockDelay().toMillis() + 700);
  }

  @Test
  void blockingReadWakesOnChange() throws Exception {
    String sa = joined(a);
    long index = b.watch(0, Duration.ZERO).index();
    CompletableFuture<KeyState> read = CompletableFuture.supplyAsync(() -> {
      try {
        return b.watch(index, Duration.ofSeconds(5));
      } catch (LockPortException e) {
        throw new IllegalStateException(e);
      }
    });
    // The read must really block: nothing changed yet.
    assertThat(read.completeOnTimeout(null, 300, TimeUnit.MILLISECONDS).join())
        .as("blocking read returned before any change").isNull();
    CompletableFuture<KeyState> again = CompletableFuture.supplyAsync(() -> {
      try {
        return b.watch(index, Duration.ofSeconds(5));
      } catch (LockPortException e) {
        throw new IllegalStateException(e);
      }
    });
    long t0 = System.nanoTime();
    assertThat(a.acquire(sa, "a")).isTrue();
    KeyState seen = again.get(3, TimeUnit.SECONDS);
    System.out.printf("[measured] blocking read woke %d ms after the acquire%n", ms(System.nanoTime() - t0));
    assertThat(seen.heldBy(sa)).isTrue();
    assertThat(seen.index()).isGreaterThan(index);
  }

  @Test
  void reRegisteringWithTheLeaderTagKeepsTheSession() throws Exception {
    String sa = joinedWithoutHeartbeats(a);
    assertThat(a.acquire(sa, "a")).isTrue();
    for (int i = 0; i < 3; i++) {
      a.keepAlive(true);
      a.keepAlive(false);
    }
    a.keepAlive(true);
    assertThat(a.sessionAlive(sa)).isTrue();
    assertThat(a.watch(0, Duration.ZERO).heldBy(sa)).isTrue();
    String tagged = consul.get("/v1/health/service/" + service + "?tag=leader&passing=true")
        .replaceAll("\\s+", "");
    assertThat(tagged).contains("\"ID\":\"" + service + "-a\"").contains("\"Address\":\"127.0.0.1\"");
  }

  @Test
  void missedHeartbeatsInvalidateTheSessionWithinTheTtl() throws Exception {
    String sa = joinedWithoutHeartbeats(a);
    assertThat(a.acquire(sa, "a")).isTrue();
    a.keepAlive(false);
    long last = System.nanoTime();
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
        .until(() -> b.watch(0, Duration.ZERO).free());
    long freedAfter = ms(System.nanoTime() - last);
    System.out.printf("[measured] key freed %d ms after the last heartbeat (TTL %d ms)%n",
        freedAfter, LEASE.checkTtl().toMillis());
    assertThat(freedAfter).isGreaterThanOrEqualTo(LEASE.checkTtl().toMillis() - 50);
    assertThat(freedAfter).isLessThan(LEASE.checkTtl().toMillis() + 1000);
    assertThat(a.sessionAlive(sa)).isFalse();
  }

  @Test
  void aForgottenCheckIsReportedAsNotRegisteredAndRegisteredAgain() throws Exception {
    a.keepAlive(false);
    consul.put("/v1/agent/service/deregister/" + service + "-a", ""); // as if the agent lost its state
    assertThatThrownBy(() -> a.keepAlive(false))
        .isInstanceOfSatisfying(LockPortException.class,
            e -> assertThat(e.kind()).isEqualTo(LockPortException.Kind.NOT_REGISTERED));
    a.keepAlive(false);
    assertThat(consul.get("/v1/agent/checks")).contains(ConsulLockPort.checkIdOf(service + "-a"));
    a.leave();
    assertThat(consul.get("/v1/agent/checks")).doesNotContain(ConsulLockPort.checkIdOf(service + "-a"));
  }

  @Test
  void confirmIsAConsistentReadOfTheKey() throws Exception {
    String sa = joined(a);
    assertThat(a.confirm().exists()).isFalse();
    assertThat(a.acquire(sa, "a")).isTrue();
    long t0 = System.nanoTime();
    KeyState confirmed = b.confirm();
    System.out.printf("[measured] consistent read (confirmation) took %d ms%n", ms(System.nanoTime() - t0));
    assertThat(confirmed.heldBy(sa)).isTrue();
    a.destroySession(sa);
    assertThat(b.confirm().heldBy(sa)).as("no longer once the session is gone").isFalse();
  }

  @Test
  void theAgentsFasterGossipIsAdopted() throws Exception {
    assertThat(a.lease().gossipSuspicionMin()).isEqualTo(LEASE.gossipSuspicionMin());
    a.keepAlive(false); // registers, then reads the agent's gossip settings
    // The dev agent probes every 100 ms with suspicion_mult 3: 300 ms, shorter than the 600 ms configured.
    System.out.printf("[measured] agent gossip suspicion minimum: %d ms%n",
        a.lease().gossipSuspicionMin().toMillis());
    assertThat(a.lease().gossipSuspicionMin()).isLessThanOrEqualTo(LEASE.gossipSuspicionMin());
    assertThat(a.terms().holdAfterConfirm()).isEqualTo(a.lease().gossipSuspicionMin().plus(LEASE.lockDelay()));
  }

  private static long ms(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }
}
