package org.example.echo.leadership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.example.echo.core.CurrentRole;
import org.example.echo.core.RoleStatus;
import org.junit.jupiter.api.Test;

class LeadershipTest {
  private static final LeadershipTiming TIMING = LeadershipTiming.defaults();
  private static final Duration TTL = TIMING.checkTtl();

  private final FakeTime time = new FakeTime();
  private final FakeConsul consul = new FakeConsul(time, TIMING.lockDelay());

  /** One instance: its state machine, gate and port. */
  private final class Node {
    final RecordingGate gate = new RecordingGate();
    final CurrentRole shown = new CurrentRole(RoleStatus.starting(Instant.EPOCH));
    final Candidate self;
    final Leadership leadership;

    Node(String name) {
      this.self = new Candidate(name, "10.0.0.1", 8080);
      this.leadership = new Leadership(consul.portFor(name), gate, shown, TIMING, time, self);
    }

    /** Registers, heartbeats and creates a session. */
    Node join() {
      leadership.maintain(); // register
      leadership.maintain(); // heartbeat + session
      assertThat(role()).isEqualTo("standby");
      return this;
    }

    String role() {
      return shown.get().role();
    }

    /** One step of each loop, in the order the threads usually run them. */
    void step() {
      leadership.maintain();
      leadership.watch();
      leadership.checkDeadlines();
    }
  }

  /** Lets time pass in heartbeat steps with the nodes' maintain and deadline loops running. */
  private void pass(Duration d, Node... nodes) {
    Duration step = TIMING.heartbeatInterval();
    for (Duration left = d; !left.isNegative() && !left.isZero(); left = left.minus(step)) {
      time.advance(left.compareTo(step) < 0 ? left : step);
      for (Node n : nodes) {
        n.leadership.maintain();
        n.leadership.checkDeadlines();
      }
    }
  }

  /** Long enough for a session created now to be older than the lease bound. */
  private static final Duration AGE = TTL.plus(TIMING.deadlineTick());

  private Node leaderOf(Node n) {
    n.join();
    n.leadership.watch(); // acquires with a new session: waits B
    pass(AGE, n);
    assertThat(n.role()).isEqualTo("leader");
    return n;
  }

  @Test
  void startsClosedAndRegistersThenStandsBy() {
    Node a = new Node("a");
    assertThat(a.role()).isEqualTo("starting");
    a.leadership.maintain();
    assertThat(consul.services).containsEntry("a", false);
    assertThat(a.role()).isEqualTo("starting");
    a.leadership.maintain();
    assertThat(a.role()).isEqualTo("standby");
    assertThat(a.gate.isOpen()).isFalse();
  }

  @Test
  void youngSessionIsHeldClosedUntilItIsOlderThanTheLeaseBound() {
    Node a = new Node("a").join();
    a.leadership.watch();
    assertThat(consul.holderSession()).isPresent();
    assertThat(a.gate.isOpen()).as("a session created just now must not open at once").isFalse();
    assertThat(a.role()).isEqualTo("standby");

    time.advance(Duration.ofMillis(500));
    a.leadership.maintain(); // keeps the lease confirmed
    a.leadership.checkDeadlines();
    time.advance(TTL.plus(TIMING.deadlineTick()).minus(Duration.ofMillis(501)));
    a.leadership.checkDeadlines();
    assertThat(a.gate.isOpen()).isFalse();

    time.advance(Duration.ofMillis(1));
    a.leadership.checkDeadlines();
    assertThat(a.gate.isOpen()).isTrue();
    assertThat(a.role()).isEqualTo("leader");
    assertThat(a.shown.get().holder()).isEqualTo("a@10.0.0.1:8080");
  }

  @Test
  void leaderTagFollowsTheGate() {
    Node a = leaderOf(new Node("a"));
    a.leadership.maintain();
    assertThat(consul.services).containsEntry("a", true);

    consul.invalidate(consul.holderSession().orElseThrow());
    a.leadership.watch();
    a.leadership.maintain(); // session gone: drops it
    a.leadership.maintain(); // new session, tag dropped
    assertThat(consul.services).containsEntry("a", false);
  }

  @Test
  void oldSessionTakesOverACleanlyReleasedKeyAtOnce() {
    Node a = leaderOf(new Node("a"));
    Node b = new Node("b").join();
    pass(AGE, a, b);
    b.leadership.watch(); // sees a holding

    a.leadership.releaseForShutdown();
    assertThat(a.gate.closeCodes).containsExactly(Leadership.SHUTDOWN_CODE);
    assertThat(HolderRecord.parse(consul.keyValue()).orElseThrow().state()).isEqualTo("released");

    b.leadership.watch();
    assertThat(b.gate.isOpen()).as("a released key is safe to serve at once").isTrue();
    assertThat(b.role()).isEqualTo("leader");
  }

  @Test
  void lockDelayKeepsStandbyRetryingThenItTakesOver() {
    Node a = leaderOf(new Node("a"));
    Node b = new Node("b").join();
    pass(AGE, a, b);
    b.leadership.watch();

    consul.invalidate(consul.holderSession().orElseThrow());
    Optional<Duration> retry = b.leadership.watch();
    assertThat(retry).contains(TIMING.acquireRetry());
    assertThat(b.gate.isOpen()).isFalse();

    time.advance(TIMING.lockDelay());
    b.leadership.maintain();
    b.leadership.watch(); // immediate read
    b.leadership.watch(); // acquire
    assertThat(b.gate.isOpen()).isTrue();
    assertThat(a.gate.isOpen()).as("a has not yet seen the change but its session is gone").isTrue();
    a.leadership.watch();
    assertThat(a.gate.isOpen()).isFalse();
    assertThat(a.gate.closeCodes).containsExactly(Leadership.LOST_LOCK_CODE);
  }

  @Test
  void leaderStepsDownWhenTheKeyShowsAnotherHolder() {
    Node a = leaderOf(new Node("a"));
    Node b = new Node("b").join();
    pass(AGE, a, b);
    consul.invalidate(consul.holderSession().orElseThrow());
    time.advance(TIMING.lockDelay());
    b.leadership.maintain();
    b.leadership.watch();
    assertThat(b.gate.isOpen()).isTrue();

    a.leadership.watch();
    assertThat(a.gate.closeCodes).containsExactly(Leadership.LOST_LOCK_CODE);
    assertThat(a.shown.get().holder()).isEqualTo("b@10.0.0.1:8080");
  }

  @Test
  void leaderStopsServingExactlyWhenTheLeaseRunsOut() {
    Node a = leaderOf(new Node("a"));
    time.advance(Duration.ofMillis(100));
    a.leadership.maintain(); // last confirmed heartbeat, sent now
    consul.setDown(true);
    time.advance(Duration.ofMillis(250));
    assertThat(a.leadership.maintain()).contains(TIMING.heartbeatInterval());

    time.advance(TTL.minus(Duration.ofMillis(251)));
    a.leadership.checkDeadlines();
    assertThat(a.gate.isOpen()).as("1 ms before the bound").isTrue();
    a.leadership.watch(); // read errors alone do not close the gate
    assertThat(a.gate.isOpen()).isTrue();

    time.advance(Duration.ofMillis(1));
    a.leadership.checkDeadlines();
    assertThat(a.gate.isOpen()).as("at the bound").isFalse();
    assertThat(a.gate.closeCodes).containsExactly(Leadership.LOST_LOCK_CODE);
    assertThat(a.role()).isEqualTo("starting");
  }

  @Test
  void aHeartbeatAnsweredAfterTheBoundDoesNotConfirm() {
    Node a = leaderOf(new Node("a"));
    a.leadership.maintain(); // confirmed, sent now
    time.advance(TIMING.heartbeatInterval());
    // The next pass takes so long that it lands after the check's TTL from the last confirmed send ran out;
    // Consul may invalidate the session any moment although it still shows it now.
    consul.duringHeartbeat = () -> time.advance(TTL.minus(TIMING.heartbeatInterval()));
    a.leadership.maintain();
    assertThat(a.gate.isOpen()).isFalse();
    assertThat(a.gate.closeCodes).containsExactly(Leadership.LOST_LOCK_CODE);
    assertThat(a.role()).isEqualTo("starting");
  }

  @Test
  void aHeartbeatAnsweredJustWithinTheBoundConfirms() {
    Node a = leaderOf(new Node("a"));
    a.leadership.maintain();
    time.advance(TIMING.heartbeatInterval());
    consul.duringHeartbeat =
        () -> time.advance(TTL.minus(TIMING.heartbeatInterval()).minus(Duration.ofMillis(1)));
    a.leadership.maintain();
    a.leadership.checkDeadlines();
    assertThat(a.gate.isOpen()).isTrue();
    assertThat(a.role()).isEqualTo("leader");
  }

  @Test
  void afterACutItComesBackWithANewSession() {
    Node a = leaderOf(new Node("a"));
    String first = consul.holderSession().orElseThrow();
    consul.setDown(true);
    time.advance(TTL);
    a.leadership.checkDeadlines();
    assertThat(a.role()).isEqualTo("starting");

    consul.setDown(false);
    consul.invalidate(first); // the critical check invalidated it meanwhile
    a.leadership.maintain(); // destroys the stale session, heartbeats, new session
    assertThat(consul.destroyed(first)).isTrue();
    assertThat(a.role()).isEqualTo("standby");
    a.leadership.watch();
    time.advance(TIMING.lockDelay());
    a.leadership.maintain();
    a.leadership.watch();
    a.leadership.watch();
    assertThat(consul.holderSession()).isPresent();
    assertThat(a.gate.isOpen()).as("new session: waits although the key existed").isFalse();
    pass(AGE, a);
    assertThat(a.role()).isEqualTo("leader");
  }

  @Test
  void forgottenCheckClosesAtOnceAndRejoins() {
    Node a = leaderOf(new Node("a"));
    consul.wipe();
    time.advance(TIMING.heartbeatInterval());
    a.leadership.maintain();
    assertThat(a.gate.isOpen()).as("check unknown: stop at once").isFalse();
    assertThat(a.role()).isEqualTo("starting");

    a.leadership.maintain(); // register again
    a.leadership.maintain(); // new session
    assertThat(a.role()).isEqualTo("standby");
    a.leadership.watch(); // index went backwards: reset, acquire the fresh key
    assertThat(consul.holderSession()).isPresent();
    assertThat(a.gate.isOpen()).as("fresh key after state loss waits").isFalse();
  }

  @Test
  void vanishedSessionClosesAtOnce() {
    Node a = leaderOf(new Node("a"));
    String s = consul.holderSession().orElseThrow();
    synchronized (consul) {
      consul.sessionOwner.remove(s); // gone without the key noticing yet
    }
    a.leadership.maintain();
    assertThat(a.gate.isOpen()).isFalse();
    assertThat(a.gate.closeCodes).containsExactly(Leadership.LOST_LOCK_CODE);
  }

  @Test
  void acquireWithADeadSessionStartsOver() {
    Node a = new Node("a").join();
    String s = consul.sessionOwner.keySet().iterator().next();
    synchronized (consul) {
      consul.sessionOwner.remove(s);
    }
    a.leadership.watch();
    assertThat(a.role()).isEqualTo("starting");
    assertThat(consul.holderSession()).isEmpty();
  }

  @Test
  void standbyNeverAcquiresWithAnUnconfirmedLease() {
    Node a = new Node("a").join();
    time.advance(TTL);
    a.leadership.watch();
    assertThat(consul.holderSession()).isEmpty();
  }

  @Test
  void standbyThatFindsItselfHoldingTheKeyTakesIt() {
    Node a = new Node("a").join();
    String s = consul.sessionOwner.keySet().iterator().next();
    // An acquire whose answer got lost: it went through, the state machine does not know.
    try {
      consul.portFor("a").acquire(s, HolderRecord.held(a.self, time.now()).toJson());
    } catch (LockPortException e) {
      throw new AssertionError(e);
    }
    a.leadership.watch();
    pass(AGE.minus(Duration.ofMillis(1)), a);
    assertThat(a.gate.isOpen()).as("its session is still young").isFalse();
    pass(Duration.ofMillis(1), a);
    assertThat(a.role()).isEqualTo("leader");
  }

  @Test
  void unreachableAtStartBacksOffCappedAndNeverOpens() {
    consul.setDown(true);
    Node a = new Node("a");
    long[] delays = new long[9];
    for (int i = 0; i < delays.length; i++) {
      delays[i] = a.leadership.maintain().orElseThrow().toMillis();
      a.leadership.watch();
      a.leadership.checkDeadlines();
    }
    assertThat(delays).containsExactly(100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000);
    assertThat(a.gate.opens).isZero();
    assertThat(a.role()).isEqualTo("starting");

    consul.setDown(false);
    a.leadership.maintain();
    a.leadership.maintain();
    assertThat(a.role()).isEqualTo("standby");
  }

  @Test
  void readErrorsBackOffToOneSecond() {
    Node a = new Node("a").join();
    consul.setDown(true);
    long last = 0;
    for (int i = 0; i < 8; i++) {
      last = a.leadership.watch().orElseThrow().toMillis();
    }
    assertThat(last).isEqualTo(1000);
  }

  @Test
  void shutdownWhileStarting() {
    Node a = new Node("a");
    a.leadership.releaseForShutdown();
    assertThat(a.role()).isEqualTo("stopping");
    assertThat(a.leadership.maintain()).isEmpty();
    assertThat(a.leadership.watch()).isEmpty();
    assertThat(a.leadership.checkDeadlines()).isEmpty();
    a.leadership.leave();
    assertThat(consul.calls).containsExactly("a deregister");
  }

  @Test
  void shutdownAsStandbyDoesNotTouchTheKey() {
    Node a = leaderOf(new Node("a"));
    Node b = new Node("b").join();
    b.leadership.watch();
    b.leadership.releaseForShutdown();
    b.leadership.leave();
    assertThat(consul.calls).doesNotContain("b release");
    assertThat(consul.services).doesNotContainKey("b");
    assertThat(a.gate.isOpen()).isTrue();
    assertThat(b.gate.closeCodes).isEmpty();
  }

  @Test
  void afterStateLossAReleasedKeyStillMakesTheNextYoungSessionWait() {
    // Consul lost its state: c creates the key and waits, is stopped and releases it (no lock-delay), so the
    // key now looks taken over rather than created. A leader Consul forgot may still serve for up to B.
    consul.wipe();
    Node c = new Node("c").join();
    Node d = new Node("d").join();
    c.leadership.watch();
    assertThat(consul.holderSession()).isPresent();
    c.leadership.releaseForShutdown();
    assertThat(consul.holderSession()).isEmpty();
    assertThat(c.gate.opens).isZero();

    d.leadership.watch();
    assertThat(consul.holderSession()).as("d holds the key").isPresent();
    assertThat(d.gate.isOpen()).as("d's session is younger than B").isFalse();
    pass(AGE.minus(Duration.ofMillis(1)), d);
    assertThat(d.gate.isOpen()).isFalse();
    pass(Duration.ofMillis(1), d);
    assertThat(d.gate.isOpen()).isTrue();
  }

  @Test
  void aReplayedAcquireDoesNotLetAYoungSessionOpen() {
    Node a = new Node("a").join();
    String s = consul.sessionOwner.keySet().iterator().next();
    // OkHttp may send the PUT twice: the second write leaves a key that no longer looks just created.
    consul.duringAcquire = () -> {
      try {
        consul.portFor("a").acquire(s, "replayed");
      } catch (LockPortException e) {
        throw new AssertionError(e);
      }
    };
    a.leadership.watch();
    assertThat(consul.holderSession()).contains(s);
    assertThat(a.gate.isOpen()).isFalse();
    assertThat(a.role()).isEqualTo("standby");
  }

  @Test
  void shutdownAsLeaderClosesWith1001ReleasesThenLeaves() {
    Node a = leaderOf(new Node("a"));
    String s = consul.holderSession().orElseThrow();
    a.leadership.releaseForShutdown();
    assertThat(a.gate.closeCodes).containsExactly(1001);
    assertThat(consul.holderSession()).isEmpty();
    a.leadership.releaseForShutdown(); // idempotent
    a.leadership.leave();
    assertThat(consul.calls.subList(consul.calls.size() - 3, consul.calls.size()))
        .containsExactly("a release", "a deregister", "a destroySession");
    assertThat(consul.destroyed(s)).isTrue();
  }

  @Test
  void lockAcquiredWhileStoppingIsGivenBack() {
    Node a = new Node("a").join();
    consul.duringAcquire = a.leadership::releaseForShutdown;
    a.leadership.watch();
    assertThat(consul.holderSession()).isEmpty();
    assertThat(a.gate.opens).isZero();
  }

  @Test
  void doesNotOpenWhenTheSessionDiesBetweenAcquireAndRead() {
    Node a = new Node("a").join();
    pass(AGE, a); // an old session would open at once
    String s = consul.sessionOwner.keySet().iterator().next();
    consul.afterAcquire = () -> consul.invalidate(s);
    a.leadership.watch();
    a.leadership.checkDeadlines();
    assertThat(a.gate.opens).isZero();
    assertThat(a.role()).isEqualTo("standby");
    a.leadership.maintain();
    assertThat(a.role()).as("session gone").isEqualTo("starting");
    assertThat(a.gate.opens).isZero();
  }

  @Test
  void aFailedReadAfterAcquireIsRetriedBeforeOpening() {
    Node a = new Node("a").join();
    pass(AGE, a);
    consul.afterAcquire = () -> consul.setDown(true);
    a.leadership.watch();
    assertThat(consul.holderSession()).isPresent();
    assertThat(a.gate.opens).as("holding is not known yet").isZero();

    consul.setDown(false);
    a.leadership.watch();
    assertThat(a.gate.isOpen()).as("the next read shows us holding").isTrue();
    assertThat(a.role()).isEqualTo("leader");
  }

  @Test
  void aStaleSessionIsDestroyedWhenConsulFinallyLetsUsAndSomeoneLeadsAgain() {
    Node a = leaderOf(new Node("a"));
    Node b = new Node("b").join();
    pass(AGE, a, b);
    String first = consul.holderSession().orElseThrow();
    // Servers without a leader: the agent still takes heartbeats, so the abandoned session stays alive.
    consul.failing.addAll(Set.of("sessionAlive", "createSession", "destroySession"));
    pass(TTL, a, b);
    assertThat(a.gate.isOpen()).as("lease unconfirmed").isFalse();
    pass(Duration.ofSeconds(5), a, b); // twenty failed destroys
    assertThat(consul.holderSession()).as("the abandoned session still holds the key").contains(first);

    consul.failing.clear();
    a.step();
    assertThat(consul.destroyed(first)).isTrue();
    assertThat(consul.holderSession()).isEmpty();
    for (int i = 0; i < 100; i++) {
      time.advance(TIMING.deadlineTick());
      a.step();
      b.step();
    }
    assertThat(a.gate.isOpen() ^ b.gate.isOpen()).as("exactly one serves again").isTrue();
  }

  @Test
  void aSessionCreatedWhileStoppingIsDestroyedOnLeave() {
    Node a = new Node("a");
    a.leadership.maintain(); // register
    consul.duringCreateSession = a.leadership::releaseForShutdown;
    a.leadership.maintain(); // heartbeat, session answered after SIGTERM
    String created = consul.sessionOwner.keySet().iterator().next();
    a.leadership.leave();
    assertThat(consul.destroyed(created)).isTrue();
  }

  @Test
  void aStaleSessionLeftWhenStoppingIsDestroyedOnLeave() {
    Node a = leaderOf(new Node("a"));
    String first = consul.holderSession().orElseThrow();
    consul.failing.addAll(Set.of("sessionAlive", "createSession", "destroySession"));
    pass(TTL, a);
    assertThat(a.role()).isEqualTo("starting");
    a.leadership.releaseForShutdown();
    assertThat(a.leadership.maintain()).isEmpty();
    consul.failing.clear();
    a.leadership.leave();
    assertThat(consul.destroyed(first)).isTrue();
  }

  @Test
  void aRegistrationThatLandsAfterLeaveIsUndone() {
    Node a = new Node("a");
    // The runner gave up waiting for a slow register: SIGTERM handling deregisters while it is in flight.
    consul.duringRegister = () -> {
      a.leadership.releaseForShutdown();
      a.leadership.leave();
    };
    a.leadership.maintain();
    assertThat(consul.services).doesNotContainKey("a");
  }

  @Test
  void aLeaderTagUpdateThatLandsAfterLeaveIsUndone() {
    Node a = new Node("a").join();
    a.leadership.watch();
    pass(AGE, a);
    assertThat(a.role()).isEqualTo("leader");
    consul.duringRegister = () -> {
      a.leadership.releaseForShutdown();
      a.leadership.leave();
    };
    a.leadership.maintain(); // re-registers with the leader tag
    assertThat(consul.services).doesNotContainKey("a");
  }

  @Test
  void leaveBeforeReleaseIsAMistake() {
    Node a = new Node("a");
    assertThatThrownBy(a.leadership::leave).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void twoCandidatesNeverBothOpen() {
    Node a = new Node("a").join();
    Node b = new Node("b").join();
    for (int i = 0; i < 200; i++) {
      a.step();
      b.step();
      assertThat(a.gate.isOpen() && b.gate.isOpen()).isFalse();
      if (i == 100) {
        consul.invalidate(consul.holderSession().orElseThrow());
      }
      time.advance(Duration.ofMillis(20));
    }
    assertThat(a.gate.isOpen() ^ b.gate.isOpen()).as("exactly one serves in the end").isTrue();
  }
}
