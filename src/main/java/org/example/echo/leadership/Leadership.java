package org.example.echo.leadership;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.example.echo.core.CurrentRole;
import org.example.echo.core.RoleStatus;
import org.example.echo.core.TrafficGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leadership state machine: decides when this instance's {@link TrafficGate} is open and keeps its {@link
 * CurrentRole} up to date. It knows nothing of Consul; it talks to a {@link LockPort}. {@link CompetingLock} is
 * how the service uses it.
 *
 * <p>Three loops drive it (see {@link LeadershipRunner}); each calls one step and waits the returned delay:
 *
 * <ul>
 *   <li>{@link #maintain()}: registration, heartbeat, session creation and liveness, the leader tag;
 *   <li>{@link #watch()}: blocking reads of the key, acquiring it when free, stepping down when lost;
 *   <li>{@link #checkDeadlines()}: closes the gate when the lease ran out, opens a pending one.
 * </ul>
 *
 * <p>Port calls are made outside the monitor so a hanging call never delays the deadline check; results are
 * applied under the monitor and dropped when the session changed meanwhile. Timing argument: {@link
 * LeadershipTiming}.
 */
public final class Leadership {
  private static final Logger log = LoggerFactory.getLogger(Leadership.class);

  /** Close code and reason for clients of a leader that lost the lock (RFC 6455: 1012 service restart). */
  static final int LOST_LOCK_CODE = 1012;

  static final String LOST_LOCK_REASON = "service restart";

  /** Close code for clients of a leader that stops gracefully (1001 going away). */
  static final int SHUTDOWN_CODE = 1001;

  static final String SHUTDOWN_REASON = "server shutting down";

  /** Delay before the watch loop looks again while there is no session to watch with. */
  private static final Duration IDLE = Duration.ofMillis(50);

  private static final Duration WATCH_RETRY_CAP = Duration.ofSeconds(1);

  enum Phase {
    /** No registration or no session yet. */
    STARTING,
    /** Has a session, does not hold the key. */
    STANDBY,
    /** Holds the key with a session younger than the lease bound; gate stays closed until {@code openAt}. */
    HOLDING,
    /** Holds the key, gate open. */
    LEADER,
    /** Graceful stop under way or done. */
    STOPPING
  }

  private final LockPort port;
  private final TrafficGate gate;
  private final LeadershipTiming timing;
  private final TimeSource time;
  private final Candidate self;

  private final Object monitor = new Object();
  // Guarded by monitor.
  private Phase phase = Phase.STARTING;
  private boolean registered;
  private boolean registeredWithTag;
  private boolean left;
  private String session;
  /**
   * Sessions we gave up but Consul may still hold: tied to our check, which we keep passing, one could hold the
   * key for ever. Destroyed on every maintain step until Consul agrees (destroying an unknown session works).
   */
  private final Set<String> staleSessions = new LinkedHashSet<>();
  private long confirmedSentAt;
  private long sessionSince;
  private long openAt;
  private long watchIndex;
  private boolean readAtOnce;
  private String holder = "unknown";
  private String releaseLater;
  // Only the maintain loop touches these.
  private final Backoff maintainBackoff;
  private int heartbeatFailures;
  // Only the watch loop touches this.
  private final Backoff watchBackoff;

  // Written under the monitor; /healthz reads it without.
  private final CurrentRole role;

  public Leadership(
      LockPort port, TrafficGate gate, CurrentRole role, LeadershipTiming timing, TimeSource time, Candidate self) {
    this.port = port;
    this.gate = gate;
    this.role = role;
    this.timing = timing;
    this.time = time;
    this.self = self;
    this.maintainBackoff = new Backoff(timing.retryMin(), timing.retryMax());
    // Reads are cheap and a standby must notice a free key quickly once Consul is back: cap at 1 s.
    Duration watchCap = timing.retryMax().compareTo(WATCH_RETRY_CAP) < 0 ? timing.retryMax() : WATCH_RETRY_CAP;
    this.watchBackoff = new Backoff(timing.retryMin(), watchCap);
    role.set(new RoleStatus("starting", holder, time.now()));
  }

  // ---------------------------------------------------------------- maintain loop

  /**
   * One step of registration and heartbeat. Returns the delay before the next step, or empty once stopping.
   */
  public Optional<Duration> maintain() {
    Phase p;
    boolean reg;
    String sess;
    List<String> stale;
    synchronized (monitor) {
      p = phase;
      reg = registered;
      sess = session;
      stale = List.copyOf(staleSessions);
    }
    if (p == Phase.STOPPING) {
      return Optional.empty(); // leave() destroys what is left
    }
    destroyStale(stale);
    if (!reg) {
      return Optional.of(register());
    }
    long sentAt = time.nanos();
    long ackAt;
    try {
      port.heartbeat();
      ackAt = time.nanos();
      if (heartbeatFailures > 0) {
        log.info("Consul heartbeat works again after {} failed attempt(s)", heartbeatFailures);
        heartbeatFailures = 0;
      }
    } catch (LockPortException e) {
      if (e.kind() == LockPortException.Kind.NOT_REGISTERED) {
        synchronized (monitor) {
          registered = false;
          loseSession("Consul no longer knows our health check (" + e.getMessage() + ")");
        }
        return Optional.of(Duration.ZERO);
      }
      if (heartbeatFailures++ == 0) {
        log.warn("Consul heartbeat failed, will keep trying every {} ms: {}",
            timing.heartbeatInterval().toMillis(), e.getMessage());
      }
      return Optional.of(timing.heartbeatInterval());
    }
    syncLeaderTag();
    if (sess == null) {
      return Optional.of(createSession(sentAt));
    }
    try {
      boolean alive = port.sessionAlive(sess);
      synchronized (monitor) {
        if (!sess.equals(session)) {
          return Optional.of(Duration.ZERO);
        }
        if (!alive) {
          loseSession("session " + sess + " no longer exists");
          return Optional.of(Duration.ZERO);
        }
        // The pass may have reached Consul after the check's TTL ran out; Consul invalidates the session
        // asynchronously, so "alive" does not prove it survived. Only a pass answered within B counts.
        long sinceConfirmed = ackAt - confirmedSentAt;
        if (sinceConfirmed >= timing.leaseBound().toNanos()) {
          loseSession("heartbeat answered " + Duration.ofNanos(sinceConfirmed).toMillis()
              + " ms after the last confirmed one was sent (bound " + timing.leaseBound().toMillis()
              + " ms): the check may have expired");
          return Optional.of(Duration.ZERO);
        }
        confirmedSentAt = Math.max(confirmedSentAt, sentAt);
      }
    } catch (LockPortException e) {
      if (heartbeatFailures++ == 0) {
        log.warn("Consul session check failed, will keep trying: {}", e.getMessage());
      }
      return Optional.of(timing.heartbeatInterval());
    }
    Duration spent = Duration.ofNanos(time.nanos() - sentAt);
    Duration rest = timing.heartbeatInterval().minus(spent);
    return Optional.of(rest.isNegative() ? Duration.ZERO : rest);
  }

  private Duration register() {
    try {
      port.register(false);
    } catch (LockPortException e) {
      Duration delay = maintainBackoff.next();
      log.warn("Consul registration attempt {} failed, retrying in {} ms: {}",
          maintainBackoff.attempts(), delay.toMillis(), e.getMessage());
      return delay;
    }
    if (deregisterIfLeft()) {
      return Duration.ZERO;
    }
    maintainBackoff.reset();
    heartbeatFailures = 0;
    synchronized (monitor) {
      registered = true;
      registeredWithTag = false;
    }
    log.info("registered {} in Consul with a {} ms TTL check", self, timing.checkTtl().toMillis());
    return Duration.ZERO;
  }

  private Duration createSession(long heartbeatSentAt) {
    long createdBy;
    String created;
    try {
      created = port.createSession();
      // The answer time, not the send time: a request queued across a Consul restart may be sent before it.
      createdBy = time.nanos();
    } catch (LockPortException e) {
      Duration delay = maintainBackoff.next();
      log.warn("Consul session creation attempt {} failed, retrying in {} ms: {}",
          maintainBackoff.attempts(), delay.toMillis(), e.getMessage());
      return delay;
    }
    maintainBackoff.reset();
    synchronized (monitor) {
      if (phase == Phase.STOPPING) {
        staleSessions.add(created); // leave() destroys it
        return Duration.ZERO;
      }
      session = created;
      sessionSince = createdBy;
      // The check was passed at or after heartbeatSentAt and the session was created after that pass.
      confirmedSentAt = heartbeatSentAt;
      watchIndex = 0;
      readAtOnce = true;
      enter(Phase.STANDBY, "session " + created + " created");
    }
    return timing.heartbeatInterval();
  }

  /** Re-registers with or without the {@code leader} tag so DNS {@code leader.<name>} finds only the holder. */
  private void syncLeaderTag() {
    boolean want;
    synchronized (monitor) {
      want = phase == Phase.LEADER;
      if (want == registeredWithTag) {
        return;
      }
    }
    try {
      port.register(want);
      if (deregisterIfLeft()) {
        return;
      }
      synchronized (monitor) {
        registeredWithTag = want;
      }
      log.info("registration now {} the leader tag", want ? "carries" : "drops");
    } catch (LockPortException e) {
      log.warn("could not update the leader tag, will retry: {}", e.getMessage());
    }
  }

  // ---------------------------------------------------------------- watch loop

  /** One blocking read of the key and what follows from it. Returns the next delay, or empty once stopping. */
  public Optional<Duration> watch() {
    Phase p;
    String sess;
    long index;
    synchronized (monitor) {
      p = phase;
      sess = session;
      index = readAtOnce ? 0 : watchIndex;
      readAtOnce = false;
    }
    if (p == Phase.STOPPING) {
      return Optional.empty();
    }
    if (sess == null) {
      return Optional.of(IDLE);
    }
    KeyState key;
    try {
      key = port.read(index, timing.blockingWait());
    } catch (LockPortException e) {
      Duration delay = watchBackoff.next();
      log.warn("reading the leader key failed (attempt {}), retrying in {} ms: {}",
          watchBackoff.attempts(), delay.toMillis(), e.getMessage());
      synchronized (monitor) {
        readAtOnce = true;
      }
      return Optional.of(delay);
    }
    watchBackoff.reset();
    boolean tryAcquire;
    synchronized (monitor) {
      if (!sess.equals(session) || phase == Phase.STOPPING) {
        return Optional.of(Duration.ZERO);
      }
      // Consul: an index that goes backwards (state lost) means start over with a non-blocking read.
      watchIndex = key.index() < watchIndex ? 0 : key.index();
      holder = describeHolder(key);
      if (phase == Phase.LEADER || phase == Phase.HOLDING) {
        if (!key.heldBy(sess)) {
          closeGate("the leader key is now held by " + holder);
          enter(Phase.STANDBY, "lost the lock");
        } else {
          publish();
        }
        return Optional.of(Duration.ZERO);
      }
      if (key.heldBy(sess)) {
        // An earlier acquire whose answer we missed went through.
        takeLock();
        return Optional.of(Duration.ZERO);
      }
      publish();
      if (key.free() && !leaseFresh()) {
        // Our session is about to be dropped: do not block on it, look again once a new one exists.
        readAtOnce = true;
        return Optional.of(timing.acquireRetry());
      }
      tryAcquire = key.free();
    }
    return Optional.of(tryAcquire ? acquire(sess) : Duration.ZERO);
  }

  private Duration acquire(String sess) {
    boolean acquired;
    try {
      acquired = port.acquire(sess, HolderRecord.held(self, time.now()).toJson());
    } catch (LockPortException e) {
      if (e.kind() == LockPortException.Kind.SESSION_INVALID) {
        synchronized (monitor) {
          if (sess.equals(session)) {
            loseSession("Consul rejected session " + sess + " on acquire");
          }
        }
        return Duration.ZERO;
      }
      log.warn("acquiring the leader key failed, retrying: {}", e.getMessage());
      synchronized (monitor) {
        readAtOnce = true;
      }
      return timing.acquireRetry();
    }
    if (!acquired) {
      // Lock-delay after an invalidation, or another standby was quicker: look again soon.
      synchronized (monitor) {
        readAtOnce = true;
      }
      return timing.acquireRetry();
    }
    // The acquire says nothing about now: the session may have been destroyed or the key deleted since.
    // Open only on a read that shows our session holding the key.
    Optional<KeyState> after;
    try {
      after = Optional.of(port.read(0, Duration.ZERO));
    } catch (LockPortException e) {
      log.warn("reading the leader key after acquiring it failed, reading again: {}", e.getMessage());
      after = Optional.empty();
    }
    Duration next = Duration.ZERO;
    synchronized (monitor) {
      if (phase == Phase.STOPPING || !sess.equals(session)) {
        // Acquired while stopping or after the session was replaced: give it back at once.
        releaseLater = sess;
      } else if (after.isPresent() && after.get().heldBy(sess)) {
        watchIndex = after.get().index();
        takeLock();
      } else {
        readAtOnce = true;
        next = after.isPresent() ? Duration.ZERO : watchBackoff.next();
      }
    }
    releasePending();
    return next;
  }

  private void releasePending() {
    String toRelease;
    synchronized (monitor) {
      toRelease = releaseLater;
      releaseLater = null;
    }
    if (toRelease != null) {
      releaseQuietly(toRelease);
    }
  }

  /** Called under the monitor with a read showing our session holds the key. */
  private void takeLock() {
    holder = self.toString();
    if (!leaseFresh()) {
      return; // The deadline check drops the session; never open on an unconfirmed lease.
    }
    // If Consul lost its state at R, a leader it forgot may serve until R + B, and every session in the new
    // state was created after R. So a session younger than B waits until it is B old. Standbys in an ordinary
    // failover hold old sessions and open at once. The key's history cannot tell: a release or a replayed
    // acquire makes a key created after R look old.
    long now = time.nanos();
    long wait = sessionSince + timing.leaseBound().plus(timing.deadlineTick()).toNanos() - now;
    if (wait > 0) {
      openAt = now + wait;
      enter(Phase.HOLDING, "acquired the leader key with a new session; opening in "
          + Duration.ofNanos(wait).toMillis() + " ms so any leader Consul forgot has stopped");
    } else {
      gate.open();
      enter(Phase.LEADER, "acquired the leader key");
    }
  }

  // ---------------------------------------------------------------- deadline loop

  /** Closes the gate once the lease ran out; opens a pending holder's gate. Returns the next delay. */
  public Optional<Duration> checkDeadlines() {
    synchronized (monitor) {
      if (phase == Phase.STOPPING) {
        return Optional.empty();
      }
      if (session != null && !leaseFresh()) {
        long silentMs = Duration.ofNanos(time.nanos() - confirmedSentAt).toMillis();
        loseSession("lock not confirmed for " + silentMs + " ms (bound "
            + timing.leaseBound().toMillis() + " ms)");
      } else if (phase == Phase.HOLDING && time.nanos() - openAt >= 0) {
        gate.open();
        enter(Phase.LEADER, "waited out any forgotten leader");
      }
    }
    return Optional.of(timing.deadlineTick());
  }

  // ---------------------------------------------------------------- read-outs

  /**
   * How long ago the last confirmed heartbeat was sent (the lease's age: the gate closes when it reaches the
   * bound); empty while there is no session. For the metrics.
   */
  public Optional<Duration> sinceConfirmed() {
    synchronized (monitor) {
      return session == null ? Optional.empty() : Optional.of(Duration.ofNanos(time.nanos() - confirmedSentAt));
    }
  }

  // ---------------------------------------------------------------- stopping

  /**
   * Graceful step-down for SIGTERM: closes the gate (clients get 1001) and releases the lock so a standby can
   * take over at once (an explicit release has no lock-delay). The loops end on their next step.
   */
  public void releaseForShutdown() {
    String toRelease;
    synchronized (monitor) {
      if (phase == Phase.STOPPING) {
        return;
      }
      boolean holding = phase == Phase.LEADER || phase == Phase.HOLDING;
      if (gate.isOpen()) {
        gate.close(SHUTDOWN_CODE, SHUTDOWN_REASON);
      }
      toRelease = holding ? session : null;
      enter(Phase.STOPPING, "shutting down");
    }
    if (toRelease != null) {
      releaseQuietly(toRelease);
    }
  }

  /** After the server stopped: deregister and destroy the session. Call once the loops have ended. */
  public void leave() {
    List<String> toDestroy;
    synchronized (monitor) {
      if (phase != Phase.STOPPING) {
        throw new IllegalStateException("releaseForShutdown() first");
      }
      left = true;
      if (session != null) {
        staleSessions.add(session);
      }
      session = null;
      toDestroy = List.copyOf(staleSessions);
    }
    releasePending();
    try {
      port.deregister();
      log.info("deregistered {} from Consul", self.id());
    } catch (LockPortException e) {
      log.warn("could not deregister {}: {}", self.id(), e.getMessage());
    }
    // One try each: once we exit nobody passes our check and Consul drops these sessions within the TTL.
    destroyStale(toDestroy);
  }

  /**
   * For a loop that died: closes the gate without the monitor (whatever failed may have left the state
   * inconsistent) and without Consul. The process halts next.
   */
  void stopServingAtOnce() {
    if (gate.isOpen()) {
      gate.close(LOST_LOCK_CODE, LOST_LOCK_REASON);
    }
  }

  // ---------------------------------------------------------------- helpers (monitor held where noted)

  /**
   * Outside the monitor, after a registration call returned: if leave() ran meanwhile (the runner gave up
   * waiting for a slow call), the registration may have landed after its deregistration, so undo it.
   */
  private boolean deregisterIfLeft() {
    synchronized (monitor) {
      if (!left) {
        return false;
      }
    }
    try {
      port.deregister();
      log.info("deregistered {} again: a registration landed after leaving", self.id());
    } catch (LockPortException e) {
      log.warn("could not deregister {} again (its check turns critical and is reaped): {}",
          self.id(), e.getMessage());
    }
    return true;
  }

  /** Under the monitor: forget the session, closing the gate if it was open. */
  private void loseSession(String why) {
    if (phase == Phase.STOPPING) {
      return;
    }
    closeGate(why);
    if (session != null) {
      staleSessions.add(session);
    }
    session = null;
    enter(Phase.STARTING, why);
  }

  /** Under the monitor. */
  private void closeGate(String why) {
    if (gate.isOpen()) {
      gate.close(LOST_LOCK_CODE, LOST_LOCK_REASON);
      log.warn("stopped serving: {}", why);
    }
  }

  /** Under the monitor. */
  private boolean leaseFresh() {
    return time.nanos() - confirmedSentAt < timing.leaseBound().toNanos();
  }

  /** Under the monitor: change phase, log it, publish the status. */
  private void enter(Phase next, String why) {
    Phase before = phase;
    phase = next;
    if (before != next) {
      log.info("leadership {} -> {}: {} (holder {})", before, next, why, holder);
      role.set(new RoleStatus(roleOf(next), holder, time.now()));
    } else {
      publish();
    }
  }

  /** Under the monitor: refresh the holder shown on /healthz without changing the time in role. */
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

  private void releaseQuietly(String sess) {
    try {
      port.release(sess, HolderRecord.released(self, time.now()).toJson());
      log.info("released the leader key");
    } catch (LockPortException e) {
      log.warn("could not release the leader key (others get it once the session dies): {}",
          e.getMessage());
    }
  }

  /** Outside the monitor: destroys the given stale sessions, forgetting those Consul accepted. */
  private void destroyStale(List<String> stale) {
    for (String s : stale) {
      try {
        port.destroySession(s);
      } catch (LockPortException e) {
        log.warn("could not destroy stale session {}, will retry: {}", s, e.getMessage());
        continue;
      }
      log.info("destroyed stale session {}", s);
      synchronized (monitor) {
        staleSessions.remove(s);
      }
    }
  }
}
