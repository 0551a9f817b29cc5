package org.example.echo.leadership;

import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watch loop: blocking reads of the leader key. A standby acquires the key the moment it is free (retrying
 * while the lock-delay lasts; a session too young to open waits until it is old enough) and confirms it at once; a
 * holder steps down the moment a read shows the key held by another session or by nobody.
 */
final class KeyWatcher {
  private static final Logger log = LoggerFactory.getLogger(Leadership.class);

  /** Delay before looking again while there is no session to watch with. */
  static final Duration IDLE = Duration.ofMillis(50);

  private static final Duration RETRY_CAP = Duration.ofSeconds(1);

  private final LockPort port;
  private final LeaseState state;
  private final LockConfirmer confirmer;
  private final LeadershipTiming timing;
  private final TimeSource time;
  private final Candidate self;
  private final Backoff backoff;

  KeyWatcher(LockPort port, LeaseState state, LockConfirmer confirmer, LeadershipTiming timing, TimeSource time,
      Candidate self) {
    this.port = port;
    this.state = state;
    this.confirmer = confirmer;
    this.timing = timing;
    this.time = time;
    this.self = self;
    // Reads are cheap and a standby must notice a free key quickly once Consul is back: cap at 1 s.
    Duration cap = timing.retryMax().compareTo(RETRY_CAP) < 0 ? timing.retryMax() : RETRY_CAP;
    this.backoff = new Backoff(timing.retryMin(), cap);
  }

  /** One read and what follows from it. Returns the next delay, or empty once stopping. */
  Optional<Duration> step() {
    if (state.stopping()) {
      return Optional.empty();
    }
    Optional<LeaseState.Watch> next = state.nextWatch();
    if (next.isEmpty()) {
      return Optional.of(IDLE);
    }
    String session = next.get().session();
    KeyState key;
    try {
      key = port.watch(next.get().index(), timing.blockingWait());
    } catch (LockPortException e) {
      Duration delay = backoff.next();
      log.warn("reading the leader key failed (attempt {}), retrying in {} ms: {}", backoff.attempts(),
          delay.toMillis(), e.getMessage());
      state.readAgainAtOnce();
      return Optional.of(delay);
    }
    backoff.reset();
    return Optional.of(switch (state.watched(session, key)) {
      case NOTHING -> Duration.ZERO;
      case WAIT -> state.waitBeforeLookingAgain(timing.acquireRetry());
      case ACQUIRE -> acquire(session);
    });
  }

  private Duration acquire(String session) {
    boolean acquired;
    try {
      acquired = port.acquire(session, HolderRecord.held(self, time.now()).toJson());
    } catch (LockPortException e) {
      if (e.kind() == LockPortException.Kind.SESSION_INVALID) {
        state.sessionGone(session, "Consul rejected session " + session + " on acquire");
        return Duration.ZERO;
      }
      log.warn("acquiring the leader key failed, retrying: {}", e.getMessage());
      state.readAgainAtOnce();
      return timing.acquireRetry();
    }
    if (!acquired) {
      // Lock-delay after an invalidation, or another standby was quicker: look again soon.
      state.readAgainAtOnce();
      return timing.acquireRetry();
    }
    if (state.acquired(session)) {
      // The acquire says nothing about now: the session may have been destroyed or the key deleted since.
      // Open only on a confirmation; if this one fails the confirm loop goes on trying.
      confirmer.confirmOnce(session, time.nanos());
      return Duration.ZERO;
    }
    releasePending(port, state, self, time);
    return Duration.ZERO;
  }

  /** Gives back a lock acquired while stopping or after its session was replaced. */
  static void releasePending(LockPort port, LeaseState state, Candidate self, TimeSource time) {
    Optional<String> toRelease = state.takeReleaseLater();
    if (toRelease.isPresent()) {
      release(port, toRelease.get(), self, time);
    }
  }

  static void release(LockPort port, String session, Candidate self, TimeSource time) {
    try {
      port.release(session, HolderRecord.released(self, time.now()).toJson());
      log.info("released the leader key");
    } catch (LockPortException e) {
      log.warn("could not release the leader key (others get it once the session dies): {}", e.getMessage());
    }
  }
}
