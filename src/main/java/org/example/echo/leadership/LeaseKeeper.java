package org.example.echo.leadership;

import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keep-alive loop: keeps this instance alive to the lock service ({@link LockPort#keepAlive}), which gives t_h;
 * creates a session when there is none; checks a standby's session is still there; destroys given-up sessions.
 * It never gives up a session because the service is slow or unreachable, only when the service says it is gone
 * (or a keep-alive came too late to be sure it is not).
 */
final class LeaseKeeper {
  private static final Logger log = LoggerFactory.getLogger(Leadership.class);

  private final LockPort port;
  private final LeaseState state;
  private final LeadershipTiming timing;
  private final TimeSource time;
  private final Backoff backoff;
  private int failures;

  LeaseKeeper(LockPort port, LeaseState state, LeadershipTiming timing, TimeSource time) {
    this.port = port;
    this.state = state;
    this.timing = timing;
    this.time = time;
    this.backoff = new Backoff(timing.retryMin(), timing.retryMax());
  }

  /** One step. Returns the delay before the next one, or empty once stopping. */
  Optional<Duration> step() {
    if (state.stopping()) {
      return Optional.empty(); // leave() destroys what is left
    }
    destroyStale();
    long sentAt = time.nanos();
    try {
      port.keepAlive(state.serving());
    } catch (LockPortException e) {
      if (e.kind() == LockPortException.Kind.NOT_REGISTERED) {
        state.forgotten("Consul no longer knows our health check (" + e.getMessage() + ")");
        return Optional.of(Duration.ZERO);
      }
      return Optional.of(failed("keep-alive", e));
    }
    long answeredAt = time.nanos();
    if (failures > 0) {
      log.info("Consul heartbeat works again after {} failed attempt(s)", failures);
      failures = 0;
    }
    state.keptAlive(sentAt, answeredAt);
    Optional<String> session = state.session();
    if (session.isEmpty()) {
      if (answeredAt - sentAt > timing.heartbeatInterval().toNanos()) {
        // A slow keep-alive (a registration, a busy agent) would start the chain a new session depends on with
        // an early send time, and the next one would look late: pass once more, quickly, first.
        return Optional.of(Duration.ZERO);
      }
      return Optional.of(createSession());
    }
    if (state.holdingSession().isEmpty()) {
      // A holder's session is checked by every confirmation; a standby's here, so it is not found dead only
      // when the key becomes free (a new session would then have to wait).
      try {
        if (!port.sessionAlive(session.get())) {
          state.sessionGone(session.get(), "session " + session.get() + " no longer exists");
          return Optional.of(Duration.ZERO);
        }
      } catch (LockPortException e) {
        log.debug("session check failed (kept the session): {}", e.getMessage());
      }
    }
    Duration rest = timing.heartbeatInterval().minus(Duration.ofNanos(time.nanos() - sentAt));
    return Optional.of(rest.isNegative() ? Duration.ZERO : rest);
  }

  /**
   * A failed call: while we have a session, retry every heartbeat interval (its lease runs out on its own, and the
   * sooner we get through the better); before, back off (registration, session creation).
   */
  private Duration failed(String what, LockPortException e) {
    if (state.session().isPresent()) {
      if (failures++ == 0) {
        log.warn("Consul {} failed, will keep trying every {} ms: {}", what,
            timing.heartbeatInterval().toMillis(), e.getMessage());
      }
      return timing.heartbeatInterval();
    }
    Duration delay = backoff.next();
    log.warn("Consul {} attempt {} failed, retrying in {} ms: {}", what, backoff.attempts(), delay.toMillis(),
        e.getMessage());
    return delay;
  }

  private Duration createSession() {
    String created;
    long answeredAt;
    try {
      created = port.createSession();
      // The answer time, not the send time: a request queued across a Consul restart may be sent before it.
      answeredAt = time.nanos();
    } catch (LockPortException e) {
      return failed("session creation", e);
    }
    backoff.reset();
    state.sessionCreated(created, answeredAt);
    return timing.heartbeatInterval();
  }

  private void destroyStale() {
    for (String s : state.staleSessions()) {
      try {
        port.destroySession(s);
      } catch (LockPortException e) {
        log.warn("could not destroy stale session {}, will retry: {}", s, e.getMessage());
        continue;
      }
      log.info("destroyed stale session {}", s);
      state.staleDestroyed(s);
    }
  }
}
