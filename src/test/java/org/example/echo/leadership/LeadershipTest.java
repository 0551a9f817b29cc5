package org.example.echo.leadership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.example.echo.core.CurrentRole;
import org.example.echo.core.RoleStatus;
import org.junit.jupiter.api.Test;

/**
 * The leadership state machine against {@link FakeConsul} on a fake clock. The terms are Consul's defaults: check
 * TTL 800 ms, lock-delay 1 s, gossip suspicion 600 ms; so a leader serves 800 ms past its last accepted heartbeat
 * (1 s less 10 % and 100 ms) and 1,340 ms past its last confirmation (1.6 s less 10 % and 100 ms), and a new
 * session opens when it is 1,620 ms old (1.6 s and a deadline tick).
 */
class LeadershipTest {
  static final LeaseTerms TERMS =
      new LeaseTerms(Duration.ofMillis(800), Duration.ofMillis(1000), Duration.ofMillis(1600));
  private static final LeadershipTiming TIMING = LeadershipTiming.defaults();
  private static final Duration TICK = TIMING.deadlineTick();
  private static final Duration HEARTBEAT = TIMING.heartbeatInterval();
  private static final Duration AFTER_HEARTBEAT = Duration.ofMillis(800);
  private static final Duration AFTER_CONFIRM = Duration.ofMillis(1340);
  private static final Duration LOCK_DELAY = TERMS.holdAfterKeepAlive();
  /** How old a session must be to open. */
  private static final Duration AGE = Duration.ofMillis(1620);

  private final FakeTime time = new FakeTime();
  private final FakeConsul consul = new FakeConsul(time, TERMS);

  /** One instance: its state machine, gate and port, and when its loops are due. */
  private final class Node {
    final RecordingGate gate = new RecordingGate();
    final CurrentRole shown = new CurrentRole(RoleStatus.starting(Instant.EPOCH));
    final Candidate self;
    final Leadership leadership;
    private long ticks;

    Node(String name) {
      this.self = new Candidate(name, "10.0.0.1", 8080);
      this.leadership = new Leadership(consul.portFor(name), gate, shown, TIMING, time, self);
    }

    /** Registers, heartbeats and creates a session: one keep-alive step. */
    Node join() {
      leadership.keepAlive();
      assertThat(role()).isEqualTo("standby");
      return this;
    }

    String role() {
      return shown.get().role();
    }

    String session() {
      return leadership.session().orElseThrow();
    }

    /** One deadline tick: the keep-alive every heartbeat interval, a confirmation every confirm interval. */
    void tick(boolean watching) {
      ticks++;
      if (ticks % (HEARTBEAT.toMillis() / TICK.toMillis()) == 0) {
        leadership.keepAlive();
      }
      if (ticks % (TIMING.confirmInterval().toMillis() / TICK.toMillis()) == 0) {
        leadership.confirm();
      }
      if (watching) {
        leadership.watch();
      }
      leadership.checkDeadlines();
    }
  }

  /** Lets {@code d} pass in deadline ticks with the nodes' keep-alive, confirm and deadline loops running. */
  private void pass(Duration d, Node... nodes) {
    run(d, false, nodes);
  }

  /** The same with the watch loops too (reads never block here). */
  private void run(Duration d, boolean watching, Node... nodes) {
    assertThat(d.toNanos() % TICK.toNanos()).as("a whole number of ticks").isZero();
    for (long i = 0; i < d.toNanos() / TICK.toNanos(); i++) {
      time.advance(TICK);
      consul.detect();
      for (Node n : nodes) {
        n.tick(watching);
      }
    }
  }

  private Node leaderOf(Node n) {
    n.join();
    n.leadership.watch(); // a new session leaves the free key alone until it is old enough to open
    assertThat(consul.holderSession()).isEmpty();
    pass(AGE, n);
    n.leadership.watch(); // acquires and confirms: old enough, it opens at once
    assertThat(n.role()).isEqualTo("leader");
    return n;
  }

  /** A heartbeat and a confirmation sent now: t_h = t_c = now. */
  private static void confirmNow(Node n) {
    n.leadership.keepAlive();
    n.leadership.confirm();
  }

  /**
   * Puts {@code n}'s session on the key without its own acquire, twice (OkHttp may send a PUT twice, and the second
   * write leaves a key that no longer looks just created): how a young session can find itself holding the key.
   */
  private void takeKeyBehindItsBack(Node n) {
    try {
      for (int i = 0; i < 2; i++) {
        assertThat(consul.portFor(n.self.id()).acquire(n.session(), "replayed")).isTrue();
      }
    } catch (LockPortException e) {
      throw new AssertionError(e);
    }
  }

  /** A standby beside {@code leader} whose session is old enough to open. */
  private Node standbyBeside(Node leader, String name) {
    Node n = new Node(name).join();
    pass(AGE, leader, n);
    return n;
  }

  /** A node whose new session the key shows holding it, and which has read the key since. */
  private Node youngHolder(String name) {
    Node n = new Node(name).join();
    takeKeyBehindItsBack(n);
    n.leadership.watch();
    return n;
  }

  private long callsOf(String call) {
    return consul.callsSoFar().stream().filter(c -> c.equals(call)).count();
  }

  @Test
  void startsClosedThenRegistersAndStandsByInOneStep() {
    Node a = new Node("a");
    assertThat(a.role()).isEqualTo("starting");
    assertThat(a.leadership.keepAlive()).contains(HEARTBEAT);
    assertThat(consul.services).containsEntry("a", false);
    assertThat(a.role()).isEqualTo("standby");
    assertThat(a.gate.isOpen()).isFalse();
    assertThat(consul.callsSoFar()).containsExactly("a keepAlive", "a createSession");
  }

  @Test
  void aNewSessionLeavesAFreeKeyUntilItIsOlderThanTheLongestHold() {
    Node a = new Node("a").join();
    assertThat(a.leadership.watch()).contains(TIMING.acquireRetry());
    assertThat(consul.holderSession()).as("a session created just now could not serve: no acquire").isEmpty();

    run(AGE.minus(TICK), true, a);
    assertThat(consul.holderSession()).as("one tick before it is old enough").isEmpty();
    assertThat(callsOf("a acquire")).isZero();
    run(TICK, true, a);
    assertThat(consul.holderSession()).contains(a.session());
    assertThat(a.gate.isOpen()).as("old enough and confirmed: open at once").isTrue();
    assertThat(a.role()).isEqualTo("leader");
    assertThat(a.shown.get().holder()).isEqualTo("a@10.0.0.1:8080");
  }

  @Test
  void aYoungSessionLooksAgainTheMomentItIsOldEnough() {
    Node a = new Node("a").join();
    pass(AGE.minus(TICK), a);
    assertThat(a.leadership.watch()).as("a tick from old enough: sooner than the retry").contains(TICK);
    assertThat(TICK).isLessThan(TIMING.acquireRetry());
    time.advance(TICK);
    a.leadership.watch();
    assertThat(consul.holderSession()).contains(a.session());
    assertThat(a.gate.isOpen()).isTrue();
  }

  /** The key can show a young session holding it without our acquire (a replayed PUT); it waits all the same. */
  @Test
  void aReplayedAcquireDoesNotLetAYoungSessionOpen() {
    Node a = youngHolder("a");
    a.leadership.confirm();
    assertThat(a.gate.isOpen()).as("a session created just now must not open at once").isFalse();
    assertThat(a.role()).isEqualTo("standby");

    pass(AGE.minus(TICK), a);
    assertThat(a.gate.isOpen()).as("one tick before it is old enough").isFalse();
    pass(TICK, a);
    assertThat(a.gate.isOpen()).isTrue();
    assertThat(a.role()).isEqualTo("leader");
  }

  /**
   * The leader's session is invalidated: it gets a new one, and the standby, whose session is old, takes the key
   * when the lock-delay ends and serves at once, not the old leader, which could serve only once its new session is
   * old enough.
   */
  @Test
  void afterAnInvalidationTheStandbyWithTheOlderSessionTakesOver() {
    Node a = leaderOf(new Node("a"));
    Node b = standbyBeside(a, "b");
    consul.invalidate(a.session());
    a.leadership.confirm();
    assertThat(a.gate.isOpen()).isFalse();
    run(HEARTBEAT.multipliedBy(2), true, a, b);
    assertThat(a.role()).as("a new session").isEqualTo("standby");

    run(LOCK_DELAY, true, a, b); // a is ticked first: without the rule its new session would win the key here
    assertThat(consul.holderSession()).contains(b.session());
    assertThat(b.gate.isOpen()).isTrue();
    run(AGE, true, a, b);
    assertThat(consul.holderSession()).contains(b.session());
    assertThat(a.gate.opens).isEqualTo(1);
  }

  @Test
  void theLeaderTagStaysWhileTheGateIsClosedForAnUnconfirmedLease() {
    Node a = leaderOf(new Node("a"));
    a.leadership.keepAlive();
    assertThat(consul.services).containsEntry("a", true);
    confirmNow(a);
    consul.setNoLeader(true);
    pass(AFTER_CONFIRM, a);
    assertThat(a.gate.isOpen()).isFalse();
    assertThat(consul.services).as("no re-registration while the servers elect").containsEntry("a", true);
  }

  @Test
  void aYoungHolderCarriesTheTagAlready() {
    Node a = youngHolder("a");
    a.leadership.keepAlive();
    assertThat(a.gate.isOpen()).isFalse();
    assertThat(consul.services).containsEntry("a", true);
  }

  @Test
  void leaderTagFollowsTheGate() {
    Node a = leaderOf(new Node("a"));
    a.leadership.keepAlive();
    assertThat(consul.services).containsEntry("a", true);

    consul.invalidate(a.session());
    a.leadership.watch(); // key free: steps down at once
    assertThat(a.gate.isOpen()).isFalse();
    a.leadership.keepAlive(); // tag dropped; the session check finds it gone
    assertThat(consul.services).containsEntry("a", false);
    assertThat(a.role()).isEqualTo("starting");
    a.leadership.keepAlive(); // new session
    assertThat(a.role()).isEqualTo("standby");
  }

  @Test
  void oldSessionTakesOverACleanlyReleasedKeyAtOnce() {
    Node a = leaderOf(new Node("a"));
    Node b = standbyBeside(a, "b");
    b.leadership.watch(); // sees a holding

    a.leadership.releaseForShutdown();
    assertThat(a.gate.closeCodes).containsExactly(Leadership.SHUTDOWN_CODE);
    assertThat(HolderRecord.parse(consul.keyValue()).orElseThrow().state()).isEqualTo("released");

    b.leadership.watch(); // acquires and confirms
    assertThat(b.gate.isOpen()).as("a released key is safe to serve at once").isTrue();
    assertThat(b.role()).isEqualTo("leader");
  }

  @Test
  void lockDelayKeepsStandbyRetryingThenItTakesOver() {
    Node a = leaderOf(new Node("a"));
    Node b = standbyBeside(a, "b");
    b.leadership.watch();

    consul.invalidate(a.session());
    Optional<Duration> retry = b.leadership.watch();
    assertThat(retry).contains(TIMING.acquireRetry());
    assertThat(b.gate.isOpen()).isFalse();

    pass(LOCK_DELAY, b);
    b.leadership.watch(); // immediate read
    b.leadership.watch(); // acquire
    assertThat(b.gate.isOpen()).isTrue();
    assertThat(a.gate.isOpen()).as("a has not yet seen the change but its session is gone").isTrue();
    a.leadership.watch();
    assertThat(a.gate.isOpen()).isFalse();
    assertThat(a.gate.closeCodes).containsExactly(Leadership.LOST_LOCK_CODE);
  }

  @Test
  void raftLeaderLossKeepsServingUntilTheBoundAndResumesWithTheSameSession() {
    Node a = leaderOf(new Node("a"));
    String session = a.session();
    confirmNow(a); // t_c = t_h = now
    long creates = callsOf("a createSession");
    consul.setNoLeader(true); // confirmations fail with "No cluster leader", heartbeats still work

    pass(AFTER_CONFIRM.minus(TICK), a);
    assertThat(a.gate.isOpen()).as("a tick before t_c + 1340 ms").isTrue();
    pass(TICK, a);
    assertThat(a.gate.isOpen()).as("at t_c + suspicion + lock-delay - margin").isFalse();
    assertThat(a.gate.closeCodes).containsExactly(Leadership.LOST_LOCK_CODE);
    assertThat(a.role()).isEqualTo("standby");

    pass(Duration.ofSeconds(3), a); // a long election
    assertThat(a.gate.isOpen()).isFalse();
    consul.setNoLeader(false);
    a.leadership.confirm();
    assertThat(a.gate.isOpen()).as("the same session's confirmation opens at once: no young-session wait")
        .isTrue();
    assertThat(a.role()).isEqualTo("leader");
    assertThat(a.session()).isEqualTo(session);
    assertThat(callsOf("a createSession")).as("no new session").isEqualTo(creates);
    assertThat(callsOf("a destroySession")).as("the session was never given up").isZero();
    assertThat(consul.holderSession()).contains(session);
  }

  @Test
  void anElectionShorterThanTheBoundIsNotSeenByClients() {
    Node a = leaderOf(new Node("a"));
    confirmNow(a);
    consul.setNoLeader(true);
    pass(AFTER_CONFIRM.minus(Duration.ofMillis(100)), a);
    consul.setNoLeader(false);
    pass(Duration.ofSeconds(2), a);
    assertThat(a.gate.isOpen()).isTrue();
    assertThat(a.gate.closeCodes).isEmpty();
    assertThat(a.gate.opens).isEqualTo(1);
  }

  @Test
  void agentUnreachableStopsAtTheLastHeartbeatPlusTheLockDelayLessTheMargin() {
    Node a = leaderOf(new Node("a"));
    confirmNow(a); // t_h = now
    consul.setDown(true);

    pass(AFTER_HEARTBEAT.minus(TICK), a);
    assertThat(a.gate.isOpen()).as("a tick before t_h + 800 ms").isTrue();
    a.leadership.watch(); // read errors alone do not close the gate
    assertThat(a.gate.isOpen()).isTrue();
    pass(TICK, a);
    assertThat(a.gate.isOpen()).as("at t_h + lock-delay - margin").isFalse();
    assertThat(a.gate.closeCodes).containsExactly(Leadership.LOST_LOCK_CODE);
    assertThat(a.role()).isEqualTo("standby");
    assertThat(callsOf("a destroySession")).isZero();
  }

  @Test
  void failingHeartbeatsStopTheLeaderEvenWhileConfirmationsSucceed() {
    Node a = leaderOf(new Node("a"));
    confirmNow(a);
    consul.failing.add("keepAlive");
    pass(AFTER_HEARTBEAT.minus(TICK), a);
    assertThat(a.gate.isOpen()).isTrue();
    pass(TICK, a);
    assertThat(a.gate.isOpen()).as("a confirmation cannot stand in for the heartbeat").isFalse();
    pass(Duration.ofMillis(400), a);
    assertThat(a.gate.isOpen()).as("confirmations go on, the gate stays closed").isFalse();
  }

  @Test
  void aHostCutOffFromTheServersStopsBeforeAnyoneElseCanStart() {
    consul.withFailureDetection();
    Node a = leaderOf(new Node("a"));
    Node b = new Node("b").join();
    run(AGE, true, a, b);
    confirmNow(a);
    long cutAt = time.nanos();
    consul.cut("a", true); // a's agent answers, the servers do not; gossip declares a failed 600 ms later

    long aStopped = 0;
    long bOpened = 0;
    for (int i = 0; i < 200 && bOpened == 0; i++) {
      run(TICK, true, a, b);
      if (aStopped == 0 && !a.gate.isOpen()) {
        aStopped = time.nanos();
      }
      if (b.gate.isOpen()) {
        bOpened = time.nanos();
      }
      assertThat(a.gate.isOpen() && b.gate.isOpen()).isFalse();
    }
    assertThat(Duration.ofNanos(aStopped - cutAt)).isEqualTo(AFTER_CONFIRM);
    assertThat(bOpened).as("b takes over").isPositive();
    assertThat(Duration.ofNanos(bOpened - cutAt)).as("after suspicion + lock-delay")
        .isGreaterThanOrEqualTo(TERMS.holdAfterConfirm());
    assertThat(a.gate.closeCodes).containsExactly(Leadership.LOST_LOCK_CODE);
  }

  @Test
  void aGoneSessionMeansANewSessionAndTheYoungSessionWait() {
    Node a = leaderOf(new Node("a"));
    String first = a.session();
    consul.invalidate(first);
    a.leadership.confirm();
    assertThat(a.gate.isOpen()).as("a confirmation showing the key free stops at once").isFalse();
    assertThat(a.gate.closeCodes).containsExactly(Leadership.LOST_LOCK_CODE);
    assertThat(a.role()).isEqualTo("standby");

    a.leadership.keepAlive(); // the session check: gone
    assertThat(a.role()).isEqualTo("starting");
    a.leadership.keepAlive(); // destroys the stale one, creates a new one
    assertThat(consul.destroyed(first)).isTrue();
    String second = a.session();
    assertThat(second).isNotEqualTo(first);

    run(LOCK_DELAY, true, a);
    assertThat(consul.holderSession()).as("new session: waits although the key existed").isEmpty();
    run(AGE.minus(LOCK_DELAY).minus(TICK), true, a);
    assertThat(consul.holderSession()).isEmpty();
    run(TICK, true, a);
    assertThat(consul.holderSession()).contains(second);
    assertThat(a.role()).isEqualTo("leader");
  }

  @Test
  void aConfirmationShowingAnotherHolderStopsAtOnce() {
    Node a = leaderOf(new Node("a"));
    Node b = standbyBeside(a, "b");
    consul.invalidate(a.session());
    pass(LOCK_DELAY, b); // a's loops do not run: it has not looked yet
    b.leadership.watch();
    b.leadership.watch();
    assertThat(b.gate.isOpen()).isTrue();

    assertThat(a.gate.isOpen()).as("a has not looked yet").isTrue();
    a.leadership.confirm();
    assertThat(a.gate.isOpen()).isFalse();
    assertThat(a.gate.closeCodes).containsExactly(Leadership.LOST_LOCK_CODE);
    assertThat(a.shown.get().holder()).isEqualTo("b@10.0.0.1:8080");
  }

  @Test
  void aWatchShowingAnotherHolderStopsAtOnce() {
    Node a = leaderOf(new Node("a"));
    Node b = standbyBeside(a, "b");
    consul.invalidate(a.session());
    pass(LOCK_DELAY, b);
    b.leadership.watch();
    b.leadership.watch();
    assertThat(a.gate.isOpen()).as("a has not looked yet").isTrue();

    a.leadership.watch();
    assertThat(a.gate.closeCodes).containsExactly(Leadership.LOST_LOCK_CODE);
    assertThat(a.shown.get().holder()).isEqualTo("b@10.0.0.1:8080");
  }

  @Test
  void theKeyDeletedUnderALiveSessionStopsButKeepsTheSession() {
    Node a = leaderOf(new Node("a"));
    String session = a.session();
    consul.wipe(); // key and session gone; simulate only the key: give the session back
    synchronized (consul) {
      consul.sessionOwner.put(session, "a");
      consul.services.put("a", true);
    }
    a.leadership.confirm();
    assertThat(a.gate.isOpen()).isFalse();
    a.leadership.keepAlive();
    assertThat(a.role()).as("the session is still there: standby with it").isEqualTo("standby");
    assertThat(a.session()).isEqualTo(session);
  }

  @Test
  void aKeepAliveAnsweredAtTheExpiryLosesTheSession() {
    Node a = leaderOf(new Node("a"));
    String first = a.session();
    a.leadership.keepAlive(); // accepted, sent now
    time.advance(HEARTBEAT);
    // The next pass takes so long that it lands when the check's TTL from the last accepted send ran out;
    // Consul may invalidate the session any moment, whatever a read shows now.
    consul.duringHeartbeat = () -> time.advance(TERMS.keepAliveExpiry().minus(HEARTBEAT));
    a.leadership.keepAlive();
    assertThat(a.gate.isOpen()).isFalse();
    assertThat(a.gate.closeCodes).containsExactly(Leadership.LOST_LOCK_CODE);
    assertThat(a.role()).as("given up; no new one after a slow keep-alive").isEqualTo("starting");
    a.leadership.keepAlive();
    assertThat(consul.destroyed(first)).as("the old one is destroyed: it may still hold the key").isTrue();
    assertThat(a.session()).as("a new one after a quick keep-alive").isNotEqualTo(first);
  }

  @Test
  void aKeepAliveAnsweredJustWithinTheExpiryKeepsTheSession() {
    Node a = leaderOf(new Node("a"));
    String session = a.session();
    a.leadership.keepAlive();
    time.advance(HEARTBEAT);
    consul.duringHeartbeat =
        () -> time.advance(TERMS.keepAliveExpiry().minus(HEARTBEAT).minus(Duration.ofMillis(1)));
    a.leadership.keepAlive();
    a.leadership.confirm();
    a.leadership.checkDeadlines();
    assertThat(a.gate.isOpen()).isTrue();
    assertThat(a.session()).isEqualTo(session);
  }

  @Test
  void forgottenCheckClosesAtOnceAndRejoins() {
    Node a = leaderOf(new Node("a"));
    consul.wipe();
    time.advance(HEARTBEAT);
    assertThat(a.leadership.keepAlive()).contains(Duration.ZERO);
    assertThat(a.gate.isOpen()).as("check unknown: stop at once").isFalse();
    assertThat(a.role()).isEqualTo("starting");

    a.leadership.keepAlive(); // register again, new session
    assertThat(a.role()).isEqualTo("standby");
    a.leadership.watch(); // index went backwards: reset; the new session leaves the free key
    assertThat(consul.holderSession()).isEmpty();
    run(AGE.minus(TICK), true, a);
    assertThat(a.gate.isOpen()).as("after state loss a new session waits").isFalse();
    run(TICK, true, a);
    assertThat(a.gate.isOpen()).isTrue();
  }

  @Test
  void aStandbyWhoseSessionVanishedGetsANewOne() {
    Node a = new Node("a").join();
    String s = a.session();
    synchronized (consul) {
      consul.sessionOwner.remove(s);
    }
    assertThat(a.leadership.keepAlive()).as("at once again").contains(Duration.ZERO);
    assertThat(a.role()).isEqualTo("starting");
    a.leadership.keepAlive();
    assertThat(a.session()).isNotEqualTo(s);
  }

  @Test
  void aFailingSessionCheckKeepsTheSession() {
    Node a = new Node("a").join();
    String s = a.session();
    consul.failing.add("sessionAlive");
    pass(Duration.ofSeconds(2), a);
    assertThat(a.session()).isEqualTo(s);
    assertThat(a.role()).isEqualTo("standby");
  }

  @Test
  void acquireWithADeadSessionStartsOver() {
    Node a = new Node("a").join();
    pass(AGE, a);
    synchronized (consul) {
      consul.sessionOwner.remove(a.session());
    }
    a.leadership.watch();
    assertThat(callsOf("a acquire")).isEqualTo(1);
    assertThat(a.role()).isEqualTo("starting");
    assertThat(consul.holderSession()).isEmpty();
  }

  @Test
  void standbyNeverAcquiresWithAStaleHeartbeat() {
    Node a = new Node("a").join();
    pass(AGE, a);
    consul.failing.add("keepAlive");
    pass(AFTER_HEARTBEAT, a);
    assertThat(a.leadership.watch()).contains(TIMING.acquireRetry());
    assertThat(consul.holderSession()).isEmpty();
    consul.failing.clear();
    a.leadership.keepAlive(); // too late for the old session: a new one, which acquires once old enough
    run(AGE, true, a);
    assertThat(consul.holderSession()).contains(a.session());
  }

  @Test
  void standbyThatFindsItselfHoldingTheKeyOpensOnceConfirmedAndOldEnough() {
    Node a = new Node("a").join();
    // An acquire whose answer got lost: it went through, the state machine does not know.
    try {
      consul.portFor("a").acquire(a.session(), HolderRecord.held(a.self, time.now()).toJson());
    } catch (LockPortException e) {
      throw new AssertionError(e);
    }
    a.leadership.watch();
    assertThat(a.gate.isOpen()).isFalse();
    pass(AGE.minus(TICK), a);
    assertThat(a.gate.isOpen()).as("its session is still young").isFalse();
    pass(TICK, a);
    assertThat(a.role()).isEqualTo("leader");
  }

  @Test
  void unreachableAtStartBacksOffCappedAndNeverOpens() {
    consul.setDown(true);
    Node a = new Node("a");
    long[] delays = new long[9];
    for (int i = 0; i < delays.length; i++) {
      delays[i] = a.leadership.keepAlive().orElseThrow().toMillis();
      a.leadership.watch();
      a.leadership.confirm();
      a.leadership.checkDeadlines();
    }
    assertThat(delays).containsExactly(100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000);
    assertThat(a.gate.opens).isZero();
    assertThat(a.role()).isEqualTo("starting");

    consul.setDown(false);
    a.leadership.keepAlive();
    assertThat(a.role()).isEqualTo("standby");
  }

  @Test
  void sessionCreationFailuresBackOffAndResetOnSuccess() {
    consul.failing.add("createSession");
    Node a = new Node("a");
    assertThat(a.leadership.keepAlive()).contains(Duration.ofMillis(100));
    assertThat(a.leadership.keepAlive()).contains(Duration.ofMillis(200));
    consul.failing.clear();
    assertThat(a.leadership.keepAlive()).contains(HEARTBEAT);
    consul.wipe();
    a.leadership.keepAlive(); // forgotten
    consul.failing.add("createSession");
    assertThat(a.leadership.keepAlive()).as("back-off starts over").contains(Duration.ofMillis(100));
  }

  @Test
  void failedHeartbeatsWithASessionRetryEveryInterval() {
    Node a = new Node("a").join();
    consul.setDown(true);
    assertThat(a.leadership.keepAlive()).contains(HEARTBEAT);
    assertThat(a.leadership.keepAlive()).contains(HEARTBEAT);
  }

  @Test
  void aSlowFirstKeepAliveIsFollowedByAQuickOneBeforeASessionIsCreated() {
    Node a = new Node("a");
    consul.duringHeartbeat = () -> time.advance(HEARTBEAT.plus(Duration.ofMillis(1))); // registration was slow
    assertThat(a.leadership.keepAlive()).contains(Duration.ZERO);
    assertThat(a.role()).isEqualTo("starting");
    assertThat(callsOf("a createSession")).isZero();
    consul.duringHeartbeat = () -> time.advance(HEARTBEAT);
    a.leadership.keepAlive(); // exactly one interval is still quick
    assertThat(a.role()).isEqualTo("standby");
    String session = a.session();
    consul.duringHeartbeat = () -> time.advance(Duration.ofMillis(500));
    a.leadership.keepAlive();
    assertThat(a.session()).as("the chain starts at the quick one: 700 ms < 800 ms").isEqualTo(session);
  }

  @Test
  void theKeeperWaitsOnlyWhatIsLeftOfTheInterval() {
    Node a = new Node("a").join();
    consul.duringHeartbeat = () -> time.advance(Duration.ofMillis(50));
    assertThat(a.leadership.keepAlive()).contains(HEARTBEAT.minus(Duration.ofMillis(50)));
    consul.duringHeartbeat = () -> time.advance(HEARTBEAT.plus(Duration.ofMillis(1)));
    assertThat(a.leadership.keepAlive()).contains(Duration.ZERO);
  }

  @Test
  void theConfirmerWaitsOnlyWhatIsLeftOfTheInterval() {
    Node a = leaderOf(new Node("a"));
    assertThat(a.leadership.confirm()).contains(TIMING.confirmInterval());
    Node b = new Node("b").join();
    assertThat(b.leadership.confirm()).as("nothing to confirm").contains(TIMING.confirmInterval());
    assertThat(callsOf("b confirm")).isZero();
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
    consul.setDown(false);
    a.leadership.watch();
    consul.setDown(true);
    assertThat(a.leadership.watch()).as("back-off reset by a good read").contains(Duration.ofMillis(100));
  }

  @Test
  void withoutASessionTheWatcherIdles() {
    Node a = new Node("a");
    assertThat(a.leadership.watch()).contains(KeyWatcher.IDLE);
    assertThat(consul.callsSoFar()).isEmpty();
  }

  @Test
  void shutdownWhileStarting() {
    Node a = new Node("a");
    a.leadership.releaseForShutdown();
    assertThat(a.role()).isEqualTo("stopping");
    assertThat(a.leadership.keepAlive()).isEmpty();
    assertThat(a.leadership.watch()).isEmpty();
    assertThat(a.leadership.confirm()).isEmpty();
    assertThat(a.leadership.checkDeadlines()).isEmpty();
    a.leadership.leave();
    assertThat(consul.calls).containsExactly("a leave");
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
    // Consul lost its state: c's new session holds the key (a replayed acquire), c is stopped and releases it
    // (no lock-delay), so the key now looks taken over rather than created. A leader Consul forgot may still serve.
    consul.wipe();
    Node c = youngHolder("c");
    Node d = new Node("d").join();
    c.leadership.releaseForShutdown();
    assertThat(consul.holderSession()).isEmpty();
    assertThat(c.gate.opens).isZero();

    d.leadership.watch();
    assertThat(consul.holderSession()).as("d's session is young").isEmpty();
    run(AGE.minus(TICK), true, d);
    assertThat(d.gate.isOpen()).isFalse();
    run(TICK, true, d);
    assertThat(consul.holderSession()).contains(d.session());
    assertThat(d.gate.isOpen()).isTrue();
  }

  @Test
  void shutdownAsLeaderClosesWith1001ReleasesThenLeaves() {
    Node a = leaderOf(new Node("a"));
    String s = a.session();
    a.leadership.releaseForShutdown();
    assertThat(a.gate.closeCodes).containsExactly(1001);
    assertThat(consul.holderSession()).isEmpty();
    a.leadership.releaseForShutdown(); // idempotent
    a.leadership.leave();
    assertThat(consul.calls.subList(consul.calls.size() - 3, consul.calls.size()))
        .containsExactly("a release", "a leave", "a destroySession");
    assertThat(consul.destroyed(s)).isTrue();
  }

  @Test
  void lockAcquiredWhileStoppingIsGivenBack() {
    Node a = new Node("a").join();
    pass(AGE, a);
    consul.duringAcquire = a.leadership::releaseForShutdown;
    a.leadership.watch();
    assertThat(callsOf("a acquire")).isEqualTo(1);
    assertThat(callsOf("a release")).isEqualTo(1);
    assertThat(consul.holderSession()).isEmpty();
    assertThat(a.gate.opens).isZero();
  }

  @Test
  void doesNotOpenWhenTheSessionDiesBetweenAcquireAndConfirm() {
    Node a = new Node("a").join();
    pass(AGE, a); // an old session would open at once
    String s = a.session();
    consul.afterAcquire = () -> consul.invalidate(s);
    a.leadership.watch();
    a.leadership.checkDeadlines();
    assertThat(a.gate.opens).isZero();
    assertThat(a.role()).isEqualTo("standby");
    a.leadership.keepAlive();
    assertThat(a.role()).as("session gone").isEqualTo("starting");
    assertThat(a.gate.opens).isZero();
  }

  @Test
  void aFailedConfirmationAfterAcquireIsRetriedByTheConfirmLoop() {
    Node a = new Node("a").join();
    pass(AGE, a);
    consul.afterAcquire = () -> consul.setDown(true);
    a.leadership.watch();
    assertThat(consul.holderSession()).isPresent();
    assertThat(a.gate.opens).as("holding is not confirmed yet").isZero();
    a.leadership.checkDeadlines();
    assertThat(a.gate.opens).isZero();

    consul.setDown(false);
    a.leadership.confirm();
    assertThat(a.gate.isOpen()).as("the next confirmation shows us holding").isTrue();
    assertThat(a.role()).isEqualTo("leader");
  }

  @Test
  void noLeaderNeverMakesItGiveUpOrReplaceTheSession() {
    Node a = leaderOf(new Node("a"));
    Node b = standbyBeside(a, "b");
    String sa = a.session();
    String sb = b.session();
    long creates = callsOf("a createSession") + callsOf("b createSession");
    consul.setNoLeader(true);
    pass(Duration.ofSeconds(5), a, b);
    assertThat(a.gate.isOpen()).as("lease unconfirmed").isFalse();
    assertThat(callsOf("a createSession") + callsOf("b createSession")).isEqualTo(creates);
    assertThat(callsOf("a destroySession") + callsOf("b destroySession")).isZero();
    assertThat(a.session()).isEqualTo(sa);
    assertThat(b.session()).isEqualTo(sb);

    consul.setNoLeader(false);
    pass(TIMING.confirmInterval(), a, b);
    assertThat(a.gate.isOpen()).isTrue();
    assertThat(b.gate.isOpen()).isFalse();
    assertThat(consul.holderSession()).contains(sa);
  }

  @Test
  void aSessionCreatedWhileStoppingIsDestroyedOnLeave() {
    Node a = new Node("a");
    consul.duringCreateSession = a.leadership::releaseForShutdown;
    a.leadership.keepAlive(); // session answered after SIGTERM
    String created = consul.sessionOwner.keySet().iterator().next();
    a.leadership.leave();
    assertThat(consul.destroyed(created)).isTrue();
  }

  @Test
  void aStaleSessionLeftWhenStoppingIsDestroyedOnLeave() {
    Node a = leaderOf(new Node("a"));
    String first = a.session();
    consul.failing.add("destroySession");
    consul.wipe(); // the agent forgot the check: the session is given up
    synchronized (consul) {
      consul.sessionOwner.put(first, "a"); // ... but the servers still have it
    }
    a.leadership.keepAlive();
    assertThat(a.role()).isEqualTo("starting");
    a.leadership.keepAlive(); // destroy fails, new session
    assertThat(consul.destroyed(first)).isFalse();
    a.leadership.releaseForShutdown();
    assertThat(a.leadership.keepAlive()).isEmpty();
    consul.failing.clear();
    a.leadership.leave();
    assertThat(consul.destroyed(first)).isTrue();
  }

  @Test
  void aStaleSessionIsDestroyedOnTheNextStep() {
    Node a = leaderOf(new Node("a"));
    String first = a.session();
    consul.failing.add("destroySession");
    consul.wipe();
    synchronized (consul) {
      consul.sessionOwner.put(first, "a");
    }
    a.leadership.keepAlive(); // forgotten
    a.leadership.keepAlive(); // destroy fails
    a.leadership.keepAlive();
    assertThat(consul.destroyed(first)).isFalse();
    consul.failing.clear();
    a.leadership.keepAlive();
    assertThat(consul.destroyed(first)).isTrue();
    assertThat(callsOf("a destroySession")).isEqualTo(3);
    a.leadership.keepAlive();
    assertThat(callsOf("a destroySession")).as("forgotten once destroyed").isEqualTo(3);
  }

  @Test
  void leaveBeforeReleaseIsAMistake() {
    Node a = new Node("a");
    assertThatThrownBy(a.leadership::leave).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aFailedLeaveStillDestroysTheSession() {
    Node a = new Node("a").join();
    String s = a.session();
    a.leadership.releaseForShutdown();
    consul.setDown(true);
    a.leadership.leave();
    consul.setDown(false);
    assertThat(consul.destroyed(s)).as("one try, it failed").isFalse();
    assertThat(consul.callsSoFar()).endsWith("a leave", "a destroySession");
  }

  @Test
  void theHolderShownFollowsTheKey() {
    Node a = leaderOf(new Node("a"));
    Node b = new Node("b").join();
    b.leadership.watch();
    assertThat(b.shown.get().holder()).isEqualTo("a@10.0.0.1:8080");
    Instant since = b.shown.get().since();
    a.leadership.releaseForShutdown();
    consul.failing.add("acquire");
    b.leadership.watch();
    assertThat(b.shown.get().holder()).isEqualTo("none (released by a@10.0.0.1:8080)");
    assertThat(b.shown.get().since()).as("same role, same since").isEqualTo(since);
  }

  /**
   * The safety property under random faults, with Consul's own invalidations (TTL, gossip) modelled: never two
   * gates open, and an open gate always belongs to the session holding the key or to one whose key nobody else
   * took yet.
   */
  @Test
  void underRandomFaultsTwoNeverServeAndSomeoneServesAgain() {
    consul.withFailureDetection();
    Random random = new Random(20261201L);
    for (int round = 0; round < 8; round++) {
      List<Node> nodes = new ArrayList<>();
      for (String n : List.of("a" + round, "b" + round, "c" + round)) {
        nodes.add(new Node(n).join());
      }
      Node[] all = nodes.toArray(Node[]::new);
      for (int i = 0; i < 600; i++) {
        if (i % 25 == 0 && i < 450) {
          fault(random.nextInt(6), nodes.get(random.nextInt(3)));
        }
        if (i == 450) {
          heal(nodes);
        }
        run(TICK, true, all);
        List<Node> open = nodes.stream().filter(n -> n.gate.isOpen()).toList();
        assertThat(open).as("round %d tick %d: at most one serves", round, i).hasSizeLessThanOrEqualTo(1);
        for (Node n : open) {
          Optional<String> holder = consul.holderSession();
          assertThat(holder.isEmpty() || holder.get().equals(n.leadership.session().orElse("-")))
              .as("round %d tick %d: %s serves while %s holds the key", round, i, n.self, holder).isTrue();
        }
      }
      assertThat(nodes.stream().filter(n -> n.gate.isOpen()).count()).as("one serves again").isEqualTo(1);
      for (Node n : nodes) {
        n.leadership.releaseForShutdown();
        n.leadership.leave();
      }
    }
  }

  @Test
  void theRoleStartsAsStartingWhateverItWasBefore() {
    CurrentRole shown = new CurrentRole(RoleStatus.standalone(Instant.EPOCH));
    new Leadership(consul.portFor("a"), new RecordingGate(), shown, TIMING, time, new Candidate("a", "h", 1));
    assertThat(shown.get()).isEqualTo(new RoleStatus("starting", "unknown", time.now()));
  }

  @Test
  void theDeadlineLoopTicksEveryTwentyMilliseconds() {
    Node a = new Node("a").join();
    assertThat(a.leadership.checkDeadlines()).contains(TICK);
  }

  @Test
  void aLaterConfirmationAnsweredFirstIsNotUndoneByAnEarlierOne() {
    Node a = leaderOf(new Node("a"));
    confirmNow(a);
    // The watcher's confirmation after an acquire and the confirm loop's can overlap: the earlier one, sent now,
    // is answered only after a later one sent 500 ms on.
    consul.duringConfirm = () -> {
      time.advance(Duration.ofMillis(500));
      a.leadership.confirm();
    };
    a.leadership.confirm();
    consul.setNoLeader(true);
    pass(AFTER_CONFIRM.minus(TICK), a);
    assertThat(a.gate.isOpen()).as("t_c is the later send time").isTrue();
    pass(TICK, a);
    assertThat(a.gate.isOpen()).isFalse();
  }

  @Test
  void theWatchBlocksOnTheLastIndexAndReadsAtOnceAfterAFailureOrALostRace() {
    Node a = leaderOf(new Node("a"));
    Node b = standbyBeside(a, "b"); // old enough to acquire
    b.leadership.watch();
    assertThat(consul.lastWatchIndex).as("a new session reads at once").isZero();
    b.leadership.watch();
    long index = consul.lastWatchIndex;
    assertThat(index).as("then blocks on the index it saw").isPositive();
    b.leadership.watch();
    assertThat(consul.lastWatchIndex).as("the same index again").isEqualTo(index);
    consul.setDown(true);
    b.leadership.watch();
    consul.setDown(false);
    b.leadership.watch();
    assertThat(consul.lastWatchIndex).as("after a failed read: at once").isZero();
    consul.invalidate(a.session()); // key free, lock-delay: b's acquire is refused
    b.leadership.watch();
    assertThat(callsOf("b acquire")).as("refused").isEqualTo(1);
    b.leadership.watch(); // refused again
    assertThat(consul.lastWatchIndex).as("after a refused acquire: at once").isZero();
    consul.failing.add("acquire");
    b.leadership.watch(); // acquire fails
    assertThat(callsOf("b acquire")).isEqualTo(3);
    consul.failing.clear();
    b.leadership.watch();
    assertThat(consul.lastWatchIndex).as("after a failed acquire: at once").isZero();
  }

  @Test
  void anIndexGoingBackwardsStartsOverAtOnce() {
    Node b = new Node("b").join();
    pass(AGE, b);
    b.leadership.watch();
    b.leadership.watch();
    assertThat(consul.lastWatchIndex).isPositive();
    consul.wipe(); // index 1
    b.leadership.watch(); // sees index 1 < the last one
    b.leadership.watch();
    assertThat(consul.lastWatchIndex).isZero();
  }

  @Test
  void theWatchBackOffIsCappedByTheRetryCapWhenThatIsShorter() {
    LeadershipTiming quick = LeadershipTiming.of(HEARTBEAT, TIMING.confirmInterval(), Duration.ofMillis(300));
    Leadership l = new Leadership(consul.portFor("q"), new RecordingGate(),
        new CurrentRole(RoleStatus.starting(Instant.EPOCH)), quick, time, new Candidate("q", "h", 1));
    l.keepAlive();
    consul.setDown(true);
    long last = 0;
    for (int i = 0; i < 5; i++) {
      last = l.watch().orElseThrow().toMillis();
    }
    assertThat(last).isEqualTo(300);
  }

  @Test
  void theHolderShownSaysWhoHeldAFreeKeyOrThatNobodyDid() {
    Node b = new Node("b").join();
    consul.failing.add("acquire");
    b.leadership.watch();
    assertThat(b.shown.get().holder()).as("no key yet").isEqualTo("none");
    consul.failing.clear();
    Node a = leaderOf(new Node("a"));
    consul.invalidate(a.session());
    consul.failing.add("acquire");
    b.leadership.watch();
    b.leadership.watch();
    assertThat(b.shown.get().holder()).isEqualTo("none (last a@10.0.0.1:8080)");
    consul.failing.clear();
    synchronized (consul) {
      consul.sessionOwner.put("x", "x");
    }
    try {
      pass(LOCK_DELAY, b);
      consul.portFor("x").acquire("x", "not a holder record");
    } catch (LockPortException e) {
      throw new AssertionError(e);
    }
    b.leadership.watch();
    assertThat(b.shown.get().holder()).isEqualTo("unknown");
  }

  @Test
  void theLogSaysWhyTheGateClosedAndWhenItOpened() {
    try (LogCapture log = new LogCapture()) {
      Node a = leaderOf(new Node("a"));
      assertThat(log.lines()).contains(
          "INFO leadership STANDBY -> HOLDING: acquired the leader key (holder a@10.0.0.1:8080)",
          "INFO leadership HOLDING -> LEADER: waited out any forgotten leader (holder a@10.0.0.1:8080)");
      confirmNow(a);
      consul.setNoLeader(true);
      pass(AFTER_CONFIRM, a);
      assertThat(log.lines()).contains("WARN stopped serving: lock not confirmed for 1340 ms, keep-alive not"
          + " accepted for 160 ms (serving windows 1340 / 800 ms)");
      consul.setNoLeader(false);
      a.leadership.confirm();
      assertThat(log.lines()).contains(
          "INFO leadership HOLDING -> LEADER: holding the leader key, lease confirmed (holder a@10.0.0.1:8080)");
    }
  }

  @Test
  void failuresAreLoggedOnceAndTheRecoveryWithTheirCount() {
    try (LogCapture log = new LogCapture()) {
      Node a = leaderOf(new Node("a"));
      consul.setDown(true);
      for (int i = 0; i < 3; i++) {
        a.leadership.keepAlive();
        a.leadership.confirm();
      }
      consul.setDown(false);
      a.leadership.keepAlive();
      a.leadership.confirm();
      assertThat(log.lines().stream().filter(l -> l.startsWith("WARN Consul keep-alive failed")).count())
          .isOne();
      assertThat(log.lines().stream().filter(l -> l.startsWith("WARN confirming the lock failed")).count())
          .isOne();
      assertThat(log.lines()).contains("INFO Consul heartbeat works again after 3 failed attempt(s)",
          "INFO confirming the lock works again after 3 failed attempt(s)");
      consul.setDown(true);
      a.leadership.keepAlive();
      a.leadership.confirm();
      assertThat(log.lines().stream().filter(l -> l.startsWith("WARN Consul keep-alive failed")).count())
          .as("a new run of failures is logged again").isEqualTo(2);
      assertThat(log.lines().stream().filter(l -> l.startsWith("WARN confirming the lock failed")).count())
          .isEqualTo(2);
    }
  }

  @Test
  void eachRegistrationAttemptIsLoggedWithItsNumberAndDelay() {
    try (LogCapture log = new LogCapture()) {
      consul.setDown(true);
      Node a = new Node("a");
      a.leadership.keepAlive();
      a.leadership.keepAlive();
      a.leadership.watch();
      assertThat(log.lines()).contains(
          "WARN Consul keep-alive attempt 1 failed, retrying in 100 ms: connection refused",
          "WARN Consul keep-alive attempt 2 failed, retrying in 200 ms: connection refused");
      Node b = new Node("b");
      consul.setDown(false);
      b.leadership.keepAlive();
      consul.setDown(true);
      b.leadership.watch();
      b.leadership.watch();
      assertThat(log.lines()).contains(
          "WARN reading the leader key failed (attempt 2), retrying in 200 ms: connection refused");
    }
  }

  @Test
  void aLateKeepAliveSaysHowLate() {
    try (LogCapture log = new LogCapture()) {
      Node a = leaderOf(new Node("a"));
      a.leadership.keepAlive();
      consul.duringHeartbeat = () -> time.advance(TERMS.keepAliveExpiry());
      a.leadership.keepAlive();
      assertThat(log.lines()).contains("WARN stopped serving: keep-alive answered 800 ms after the last accepted"
          + " one was sent (expiry 800 ms): the check may have expired");
    }
  }

  private void fault(int kind, Node n) {
    switch (kind) {
      case 0 -> consul.setNoLeader(true);
      case 1 -> consul.setNoLeader(false);
      case 2 -> consul.cut(n.self.id(), true);
      case 3 -> consul.cut(n.self.id(), false);
      case 4 -> consul.holderSession().ifPresent(consul::invalidate);
      default -> {
        consul.setNoLeader(false);
        consul.cut(n.self.id(), false);
      }
    }
  }

  private void heal(List<Node> nodes) {
    consul.setNoLeader(false);
    for (Node n : nodes) {
      consul.cut(n.self.id(), false);
    }
  }
}
