package org.example.echo.leadership;

import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The confirm loop: while this instance holds the key, a linearizable read every {@code confirmInterval} shows
 * whether our session still holds it. Each one that does moves t_c on (and may reopen a gate the deadline closed);
 * one that does not closes the gate at once. A failing read (no raft leader, Consul unreachable) changes nothing:
 * the deadline runs on from the last good one.
 */
final class LockConfirmer {
  private static final Logger log = LoggerFactory.getLogger(Leadership.class);

  private final LockPort port;
  private final LeaseState state;
  private final LeadershipTiming timing;
  private final TimeSource time;
  private int failures;

  LockConfirmer(LockPort port, LeaseState state, LeadershipTiming timing, TimeSource time) {
    this.port = port;
    this.state = state;
    this.timing = timing;
    this.time = time;
  }

  /** One step. Returns the delay before the next one, or empty once stopping. */
  Optional<Duration> step() {
    if (state.stopping()) {
      return Optional.empty();
    }
    Optional<String> session = state.holdingSession();
    if (session.isEmpty()) {
      return Optional.of(timing.confirmInterval());
    }
    long sentAt = time.nanos();
    confirmOnce(session.get(), sentAt);
    Duration rest = timing.confirmInterval().minus(Duration.ofNanos(time.nanos() - sentAt));
    return Optional.of(rest.isNegative() ? Duration.ZERO : rest);
  }

  /** One confirmation of {@code session}, sent at {@code sentAt} (now). */
  void confirmOnce(String session, long sentAt) {
    KeyState key;
    try {
      key = port.confirm();
    } catch (LockPortException e) {
      if (failures++ == 0) {
        log.warn("confirming the lock failed, keeping session {} and retrying: {}", session, e.getMessage());
      }
      return;
    }
    if (failures > 0) {
      log.info("confirming the lock works again after {} failed attempt(s)", failures);
      failures = 0;
    }
    state.confirmed(session, sentAt, key);
  }
}
