package org.example.echo.leadership;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.example.echo.core.CurrentRole;
import org.example.echo.core.TrafficGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leadership: decides when this instance's {@link TrafficGate} is open and keeps its {@link CurrentRole} up to
 * date. It knows nothing of Consul; it talks to a {@link LockPort}. {@link CompetingLock} is how the service uses
 * it. Four loops drive it (see {@link LeadershipRunner}), each one small:
 *
 * <ul>
 *   <li>{@link LeaseKeeper} ({@link #keepAlive()}): the keep-alive (t_h), session creation and liveness;
 *   <li>{@link KeyWatcher} ({@link #watch()}): blocking reads of the key, acquiring it when free, stepping down
 *       when another holds it;
 *   <li>{@link LockConfirmer} ({@link #confirm()}): a holder's linearizable reads of the key (t_c);
 *   <li>the serving deadline ({@link #checkDeadlines()}): closes the gate when the lease ran out, opens it when a
 *       held lease is confirmed and old enough.
 * </ul>
 *
 * <p>They share one {@link LeaseState}; the deadline rule is written there.
 */
public final class Leadership {
  private static final Logger log = LoggerFactory.getLogger(Leadership.class);

  /** Close code and reason for clients of a leader that lost the lock (RFC 6455: 1012 service restart). */
  static final int LOST_LOCK_CODE = 1012;

  static final String LOST_LOCK_REASON = "service restart";

  /** Close code for clients of a leader that stops gracefully (1001 going away). */
  static final int SHUTDOWN_CODE = 1001;

  static final String SHUTDOWN_REASON = "server shutting down";

  private final LockPort port;
  private final TrafficGate gate;
  private final TimeSource time;
  private final Candidate self;
  private final LeadershipTiming timing;
  private final LeaseState state;
  private final LeaseKeeper keeper;
  private final LockConfirmer confirmer;
  private final KeyWatcher watcher;

  public Leadership(
      LockPort port, TrafficGate gate, CurrentRole role, LeadershipTiming timing, TimeSource time, Candidate self) {
    this.port = port;
    this.gate = gate;
    this.time = time;
    this.self = self;
    this.timing = timing;
    this.state = new LeaseState(gate, role, timing, port::terms, time, self);
    this.keeper = new LeaseKeeper(port, state, timing, time);
    this.confirmer = new LockConfirmer(port, state, timing, time);
    this.watcher = new KeyWatcher(port, state, confirmer, timing, time, self);
  }

  /** One keep-alive step. Returns the delay before the next one, or empty once stopping. */
  public Optional<Duration> keepAlive() {
    return keeper.step();
  }

  /** One blocking read of the key and what follows from it. Returns the next delay, or empty once stopping. */
  public Optional<Duration> watch() {
    return watcher.step();
  }

  /** One confirmation while holding. Returns the next delay, or empty once stopping. */
  public Optional<Duration> confirm() {
    return confirmer.step();
  }

  /** Closes the gate once the lease ran out; opens a holder's gate once safe. Returns the next delay. */
  public Optional<Duration> checkDeadlines() {
    if (state.stopping()) {
      return Optional.empty();
    }
    state.checkDeadline();
    return Optional.of(timing.deadlineTick());
  }

  // ---------------------------------------------------------------- read-outs

  /**
   * How long ago the last confirmation of the lock was sent (t_c's age: the gate closes when it reaches the
   * serving window); empty while none holds. For the metrics.
   */
  public Optional<Duration> sinceConfirmed() {
    return state.sinceConfirmed();
  }

  /** How long ago the last keep-alive the service accepted was sent (t_h's age); empty without a session. */
  public Optional<Duration> sinceKeptAlive() {
    return state.sinceKeptAlive();
  }

  // ---------------------------------------------------------------- stopping

  /**
   * Graceful step-down for SIGTERM: closes the gate (clients get 1001) and releases the lock so a standby can
   * take over at once (an explicit release has no lock-delay). The loops end on their next step.
   */
  public void releaseForShutdown() {
    state.beginStopping(SHUTDOWN_CODE, SHUTDOWN_REASON)
        .ifPresent(s -> KeyWatcher.release(port, s, self, time));
  }

  /** After the server stopped: leave the lock service and destroy the sessions. Call once the loops have ended. */
  public void leave() {
    List<String> toDestroy = state.leaving();
    try {
      port.leave();
    } catch (LockPortException e) {
      log.warn("could not leave the lock service as {}: {}", self.id(), e.getMessage());
    }
    // One try each: once we exit nobody keeps us alive and the service drops these sessions on its own.
    for (String s : toDestroy) {
      try {
        port.destroySession(s);
        log.info("destroyed session {}", s);
      } catch (LockPortException e) {
        log.warn("could not destroy session {}: {}", s, e.getMessage());
      }
    }
  }

  /**
   * For a loop that died: closes the gate without the monitor (whatever failed may have left the state
   * inconsistent) and without the lock service. The process halts next.
   */
  void stopServingAtOnce() {
    if (gate.isOpen()) {
      gate.close(LOST_LOCK_CODE, LOST_LOCK_REASON);
    }
  }

  /** For tests: the session, if any. */
  java.util.Optional<String> session() {
    return state.session();
  }
}
