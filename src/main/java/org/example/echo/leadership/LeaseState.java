package org.example.echo.leadership;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.example.echo.core.CurrentRole;
import org.example.echo.core.RoleStatus;
import org.example.echo.core.TrafficGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything this instance knows about its lease, and every change of it, under one monitor: the phase, the
 * session, the two times the serving deadline counts from, and the gate. The loops ({@link LeaseKeeper},
 * {@link KeyWatcher}, {@link LockConfirmer}) call the lock service outside the monitor and report the answers
 * here; an answer about a session that has been replaced meanwhile is dropped.
 *
 * <p>The serving deadline is the earlier of
 *
 * <ul>
 *   <li>{@code keptAliveAt} (t_h, send time of the last keep-alive the service accepted, in a chain without a gap
 *       of {@code keepAliveExpiry}) plus the serving window of {@code holdAfterKeepAlive}, and
 *   <li>{@code confirmedAt} (t_c, send time of the last confirmation that showed our session holding the key)
 *       plus the serving window of {@code holdAfterConfirm};
 * </ul>
 *
 * <p>the gate is open only before it, only while the key is ours, and only once the session is older than
 * {@link LeaseTerms#longestHold()}. When the deadline passes the gate closes but session and key are kept: a later
 * confirmation with the same session opens it again.
 */
final class LeaseState {
  private static final Logger log = LoggerFactory.getLogger(Leadership.class);

  enum Phase {
    /** No session yet (or it was lost). */
    STARTING,
    /** Has a session, does not hold the key. */
    STANDBY,
    /** Holds the key, gate closed: the session is too young, or the lease is not confirmed (yet, or any more). */
    HOLDING,
    /** Holds the key, gate open. */
    LEADER,
    /** Graceful stop under way or done. */
    STOPPING
  }

  /** What the watcher should do after a read. */
  enum Next {
    NOTHING,
    ACQUIRE,
    /** The key is free but our keep-alive is not fresh or our session too young: look again soon, do not block. */
    WAIT
  }

  /** A session and the index to read the key at. */
  record Watch(String session, long index) {}

  private final TrafficGate gate;
  private final CurrentRole role;
  private final LeadershipTiming timing;
  private final Supplier<LeaseTerms> terms;
  private final TimeSource time;
  private final Candidate self;

  // Guarded by this.
  private Phase phase = Phase.STARTING;
  private String session;
  private long sessionSince;
  private boolean keptAlive;
  private long keptAliveAt;
  private boolean confirmed;
  private long confirmedAt;
  private long watchIndex;
  private boolean readAtOnce;
  private String holder = "unknown";
  private String releaseLater;
  /**
   * Sessions we gave up but the service may still hold: tied to our liveness, which we keep signalling, one could
   * hold the key for ever. Destroyed on every keeper step until the service agrees (destroying an unknown one works).
   */
  private final Set<String> staleSessions = new LinkedHashSet<>();

  LeaseState(TrafficGate gate, CurrentRole role, LeadershipTiming timing, Supplier<LeaseTerms> terms,
      TimeSource time, Candidate self) {
    this.gate = gate;
    this.role = role;
    this.timing = timing;
    this.terms = terms;
    this.time = time;
    this.self = self;
    role.set(new RoleStatus("starting", holder, time.now()));
  }

  // ---------------------------------------------------------------- what the loops ask

  synchronized boolean stopping() {
    return phase == Phase.STOPPING;
  }

  /**
   * What the keep-alive announces (Consul: the leader tag for DNS): that we hold the key, whether or not the gate
   * is open right now. A holder whose gate closed for an unconfirmed lease keeps it: moving it makes the agent sync
   * with the servers, and a Consul 1.8 agent holds its local state's lock during that sync, so while the servers
   * elect a leader every heartbeat would hang behind it. A proxy sent here meanwhile gets 503 and moves on.
   */
  synchronized boolean serving() {
    return holding();
  }

  synchronized Optional<String> session() {
    return Optional.ofNullable(session);
  }

  /** The session while it holds the key (the confirmer's work), else empty. */
  synchronized Optional<String> holdingSession() {
    return holding() ? Optional.ofNullable(session) : Optional.empty();
  }

  synchronized List<String> staleSessions() {
    return List.copyOf(staleSessions);
  }

  synchronized void staleDestroyed(String s) {
    staleSessions.remove(s);
  }

  // ---------------------------------------------------------------- keeper

  /**
   * A keep-alive sent at {@code sentAt} was accepted at {@code answeredAt}. If it came {@code keepAliveExpiry} or
   * more after the previous accepted one was sent, the service may have dropped us in between and may still act on
   * it at any later moment: the session counts as lost.
   */
  synchronized void keptAlive(long sentAt, long answeredAt) {
    long expiry = terms.get().keepAliveExpiry().toNanos();
    if (keptAlive && session != null && answeredAt - keptAliveAt >= expiry) {
      loseSession("keep-alive answered " + millis(answeredAt - keptAliveAt) + " ms after the last accepted one was"
          + " sent (expiry " + millis(expiry) + " ms): the check may have expired");
    }
    keptAliveAt = sentAt; // only the keeper reports, one call at a time: send times only grow
    keptAlive = true;
  }

  /** The service forgot us (Consul: the check is unknown): every session tied to us is gone or going. */
  synchronized void forgotten(String why) {
    keptAlive = false;
    loseSession(why);
  }

  /** A session created and answered at {@code answeredAt} (a request queued across a restart is sent before). */
  synchronized void sessionCreated(String created, long answeredAt) {
    if (phase == Phase.STOPPING) {
      staleSessions.add(created); // leave() destroys it
      return;
    }
    session = created;
    sessionSince = answeredAt;
    confirmed = false;
    watchIndex = 0;
    readAtOnce = true;
    enter(Phase.STANDBY, "session " + created + " created");
  }

  /** The service says the session no longer exists. */
  synchronized void sessionGone(String s, String why) {
    if (s.equals(session)) {
      loseSession(why);
    }
  }

  // ---------------------------------------------------------------- watcher

  /** What to read next, or empty while there is no session. */
  synchronized Optional<Watch> nextWatch() {
    if (session == null) {
      return Optional.empty();
    }
    long index = readAtOnce ? 0 : watchIndex;
    readAtOnce = false;
    return Optional.of(new Watch(session, index));
  }

  synchronized void readAgainAtOnce() {
    readAtOnce = true;
  }

  /** A (possibly slightly old) read of the key with session {@code s}; decides what the watcher does next. */
  synchronized Next watched(String s, KeyState key) {
    if (!s.equals(session) || phase == Phase.STOPPING) {
      return Next.NOTHING;
    }
    // Consul: an index that goes backwards (state lost) means start over with a non-blocking read.
    watchIndex = key.index() < watchIndex ? 0 : key.index();
    holder = describeHolder(key);
    if (holding()) {
      if (!key.heldBy(s)) {
        lostKey();
      }
      return Next.NOTHING;
    }
    if (key.heldBy(s)) {
      // An earlier acquire whose answer we missed went through: the confirmer opens once it is confirmed.
      holdKey("the leader key shows our session");
      return Next.NOTHING;
    }
    publish();
    if (key.free() && (!keepAliveFresh() || !oldEnoughToOpen())) {
      readAtOnce = true;
      return Next.WAIT;
    }
    return key.free() ? Next.ACQUIRE : Next.NOTHING;
  }

  /**
   * After {@link Next#WAIT}: {@code retry}, or less when the session becomes old enough to open sooner, so that it
   * asks for the key then and not up to a retry later.
   */
  synchronized Duration waitBeforeLookingAgain(Duration retry) {
    long untilOldEnough = openAt() - time.nanos();
    return untilOldEnough > 0 && untilOldEnough < retry.toNanos() ? Duration.ofNanos(untilOldEnough) : retry;
  }

  /**
   * The acquire with session {@code s} went through. Holding, gate closed until a confirmation. Returns false when
   * the lock must be given back at once (stopping, or the session was replaced meanwhile).
   */
  synchronized boolean acquired(String s) {
    if (phase == Phase.STOPPING || !s.equals(session)) {
      releaseLater = s;
      return false;
    }
    holdKey("acquired the leader key");
    return true;
  }

  synchronized Optional<String> takeReleaseLater() {
    Optional<String> r = Optional.ofNullable(releaseLater);
    releaseLater = null;
    return r;
  }

  // ---------------------------------------------------------------- confirmer

  /** A linearizable read sent at {@code sentAt} with session {@code s} holding (or having held) the key. */
  synchronized void confirmed(String s, long sentAt, KeyState key) {
    if (!s.equals(session) || !holding()) {
      return;
    }
    if (!key.heldBy(s)) {
      holder = describeHolder(key);
      lostKey();
      return;
    }
    // Two loops confirm (the confirm loop, and the watcher right after an acquire): keep the later send time.
    if (!confirmed || sentAt - confirmedAt > 0) {
      confirmedAt = sentAt;
    }
    confirmed = true;
    openIfSafe();
  }

  // ---------------------------------------------------------------- deadline

  /** Closes the gate once the deadline passed; opens a holder's gate once that is safe. */
  synchronized void checkDeadline() {
    if (phase == Phase.LEADER && !leaseValid()) {
      String why = unconfirmedFor();
      closeGate(why);
      enter(Phase.HOLDING, why);
    } else if (phase == Phase.HOLDING) {
      openIfSafe();
    }
  }

  // ---------------------------------------------------------------- stopping

  /** Closes the gate with {@code code} and enters STOPPING; returns the session to release if it held the key. */
  synchronized Optional<String> beginStopping(int code, String reason) {
    if (phase == Phase.STOPPING) {
      return Optional.empty();
    }
    boolean held = holding();
    if (gate.isOpen()) {
      gate.close(code, reason);
    }
    String toRelease = held ? session : null;
    enter(Phase.STOPPING, "shutting down");
    return Optional.ofNullable(toRelease);
  }

  /** Forgets the session for good; returns every session to destroy. */
  synchronized List<String> leaving() {
    if (phase != Phase.STOPPING) {
      throw new IllegalStateException("releaseForShutdown() first");
    }
    if (session != null) {
      staleSessions.add(session);
    }
    session = null;
    return List.copyOf(staleSessions);
  }

  // ---------------------------------------------------------------- transitions (monitor held)

  private boolean holding() {
    return phase == Phase.HOLDING || phase == Phase.LEADER;
  }

  /** Holding the key from now on, gate closed until the lease is confirmed and the session old enough. */
  private void holdKey(String why) {
    holder = self.toString();
    confirmed = false;
    enter(Phase.HOLDING, why);
  }

  /**
   * If Consul lost its state at R, a leader it forgot may serve until R + longestHold, and every session in the new
   * state was created after R. So a session younger than that waits until it is that old. Standbys in an ordinary
   * failover hold old sessions and open at once; a leader whose session survived a Consul election reopens at once.
   * The key's history cannot tell: a release or a replayed acquire makes a key created after R look old.
   */
  private void openIfSafe() {
    if (phase != Phase.HOLDING || !leaseValid() || !oldEnoughToOpen()) {
      return;
    }
    gate.open();
    boolean young = time.nanos() - openAt() < timing.deadlineTick().multipliedBy(2).toNanos();
    enter(Phase.LEADER, young ? "waited out any forgotten leader" : "holding the leader key, lease confirmed");
  }

  private long openAt() {
    return sessionSince + terms.get().longestHold().plus(timing.deadlineTick()).toNanos();
  }

  /**
   * Whether the session is old enough to open. A younger one does not take a free key either: it could not serve
   * with it yet, while a standby with an older session can serve the moment it has it. So after an invalidation
   * the old leader, back with a new session, leaves the key to such a standby (which serves at the end of the
   * lock-delay, not when the new session is old enough), and with no such standby takes it itself once old enough.
   */
  private boolean oldEnoughToOpen() {
    return time.nanos() - openAt() >= 0;
  }

  /** A read shows the key held by another session or by nobody. */
  private void lostKey() {
    closeGate("the leader key is now held by " + holder);
    confirmed = false;
    enter(Phase.STANDBY, "lost the lock");
  }

  /** Forget the session, closing the gate if it was open. */
  private void loseSession(String why) {
    if (phase == Phase.STOPPING) {
      return;
    }
    closeGate(why);
    if (session != null) {
      staleSessions.add(session);
    }
    session = null;
    confirmed = false;
    enter(Phase.STARTING, why);
  }

  private void closeGate(String why) {
    if (gate.isOpen()) {
      gate.close(Leadership.LOST_LOCK_CODE, Leadership.LOST_LOCK_REASON);
      log.warn("stopped serving: {}", why);
    }
  }

  /** Before the serving deadline (both times known and neither window passed). */
  private boolean leaseValid() {
    if (!keptAlive || !confirmed) {
      return false;
    }
    long now = time.nanos();
    LeaseTerms t = terms.get();
    return now - (keptAliveAt + LeadershipTiming.servingWindow(t.holdAfterKeepAlive()).toNanos()) < 0
        && now - (confirmedAt + LeadershipTiming.servingWindow(t.holdAfterConfirm()).toNanos()) < 0;
  }

  /** A standby acquires only while its keep-alive window is open, so it could serve what it takes. */
  private boolean keepAliveFresh() {
    return keptAlive
        && time.nanos() - (keptAliveAt
            + LeadershipTiming.servingWindow(terms.get().holdAfterKeepAlive()).toNanos()) < 0;
  }

  /** How long ago the last confirmation was sent (t_c's age); empty while no confirmation holds. For metrics. */
  synchronized Optional<Duration> sinceConfirmed() {
    return confirmed ? Optional.of(Duration.ofNanos(time.nanos() - confirmedAt)) : Optional.empty();
  }

  /** How long ago the last accepted keep-alive was sent (t_h's age); empty without a session. For metrics. */
  synchronized Optional<Duration> sinceKeptAlive() {
    return session != null && keptAlive ? Optional.of(Duration.ofNanos(time.nanos() - keptAliveAt)) : Optional.empty();
  }

  private String unconfirmedFor() {
    long now = time.nanos();
    return "lock not confirmed for " + millis(now - confirmedAt) + " ms, keep-alive not accepted for "
        + millis(now - keptAliveAt) + " ms (serving windows " + window(terms.get().holdAfterConfirm()) + " / "
        + window(terms.get().holdAfterKeepAlive()) + " ms)";
  }

  private void enter(Phase next, String why) {
    Phase before = phase;
    phase = next;
    if (before != next) {
      log.info("leadership {} -> {}: {} (holder {})", before, next, why, holder);
      role.set(new RoleStatus(roleOf(next), holder, time.now()));
    }
  }

  /** Refresh the holder shown on /healthz without changing the time in role. */
  private void publish() {
    RoleStatus s = role.get();
    if (!s.holder().equals(holder)) {
      role.set(new RoleStatus(s.role(), holder, s.since()));
    }
  }

  private static String roleOf(Phase p) {
    return switch (p) {
      case STARTING -> "starting";
      case STANDBY, HOLDING -> "standby";
      case LEADER -> "leader";
      case STOPPING -> "stopping";
    };
  }

  private static String describeHolder(KeyState key) {
    if (!key.exists()) {
      return "none";
    }
    String who = HolderRecord.parse(key.value()).map(HolderRecord::describe).orElse("unknown");
    if (key.free() && !who.startsWith("none")) {
      return "none (last " + who + ")";
    }
    return who;
  }

  private static long window(Duration hold) {
    return LeadershipTiming.servingWindow(hold).toMillis();
  }

  private static long millis(long nanos) {
    return Duration.ofNanos(nanos).toMillis();
  }
}
