package org.example.echo.leadership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.example.echo.core.CurrentRole;
import org.example.echo.core.RoleStatus;
import org.junit.jupiter.api.Test;

/** The lock as the service uses it: the real loops on their threads, the system clock, a fake lock service. */
class CompetingLockTest {
  private final FakeConsul consul = new FakeConsul(TimeSource.system(), LeadershipTest.TERMS).withBlockingReads();
  private final RecordingGate gate = new RecordingGate();
  private final CurrentRole role = new CurrentRole(RoleStatus.starting(Instant.EPOCH));
  private final AtomicBoolean portClosed = new AtomicBoolean();

  private CompetingLock lock(String name) {
    Leadership l = new Leadership(consul.portFor(name), gate, role, LeadershipTiming.defaults(),
        TimeSource.system(), new Candidate(name, "127.0.0.1", 1));
    return new CompetingLock(l, Duration.ofMillis(100), () -> portClosed.set(true));
  }

  @Test
  void startsCompetingServesReleasesAndLeaves() throws Exception {
    CompetingLock lock = lock("a");
    lock.start();
    await().atMost(Duration.ofSeconds(10)).until(gate::isOpen);
    assertThat(role.get().role()).isEqualTo("leader");
    assertThat(role.get().since()).as("the system clock").isAfter(Instant.now().minusSeconds(60));

    lock.release();
    assertThat(gate.closeCodes).containsExactly(Leadership.SHUTDOWN_CODE);
    assertThat(consul.holderSession()).isEmpty();
    lock.leave();
    assertThat(consul.registered("a")).isFalse();
    assertThat(portClosed).isTrue();
    await("the loops ended").atMost(Duration.ofSeconds(2)).until(() -> loopThreads() == 0);
    int calls = consul.callsSoFar().size();
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
        .until(() -> consul.callsSoFar().size() == calls);
  }

  @Test
  void leaveWaitsForAKeepAliveInFlightButNotForever() throws Exception {
    CompetingLock lock = lock("b");
    CountDownLatch inFlight = new CountDownLatch(1);
    lock.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> consul.registered("b"));
    consul.duringHeartbeat = () -> slowCall(inFlight, Duration.ofMillis(300));
    assertThat(inFlight.await(5, TimeUnit.SECONDS)).isTrue();
    lock.release();
    long t0 = System.nanoTime();
    lock.leave();
    long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertThat(waited).as("waited for the keep-alive in flight").isGreaterThanOrEqualTo(150);
    assertThat(consul.registered("b")).isFalse();

    CompetingLock stuck = lock("c");
    stuck.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> consul.registered("c"));
    CountDownLatch stuckInFlight = new CountDownLatch(1);
    consul.duringHeartbeat = () -> slowCall(stuckInFlight, Duration.ofSeconds(3));
    assertThat(stuckInFlight.await(5, TimeUnit.SECONDS)).isTrue();
    stuck.release();
    long t1 = System.nanoTime();
    stuck.leave();
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t1))
        .as("gives up after the longest call and a margin (600 ms)").isLessThan(2000);
    await().atMost(Duration.ofSeconds(10)).until(() -> loopThreads() == 0);
  }

  @Test
  void theLoopThreadsAreDaemons() throws Exception {
    CompetingLock lock = lock("d");
    lock.start();
    try {
      assertThat(Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.getName().startsWith("leadership-")).toList())
          .hasSize(4).allMatch(Thread::isDaemon);
    } finally {
      lock.release();
      lock.leave();
    }
    await().atMost(Duration.ofSeconds(2)).until(() -> loopThreads() == 0);
  }

  private static long loopThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("leadership-") && t.isAlive()).count();
  }

  /** A keep-alive that takes {@code time} on the loop's thread (busy, so it holds the call, not a sleep). */
  private static void slowCall(CountDownLatch started, Duration time) {
    started.countDown();
    long end = System.nanoTime() + time.toNanos();
    while (System.nanoTime() < end) {
      Thread.onSpinWait();
    }
  }
}
