package org.example.echo.leadership;

import java.time.Duration;

/**
 * The timing that makes failover fast and safe.
 *
 * <p>Why these defaults give a failover under 3 s after SIGKILL and never two leaders:
 *
 * <ul>
 *   <li>The leader heartbeats its TTL check every {@code heartbeatInterval} (250 ms). After SIGKILL the check
 *       goes critical at most {@code checkTtl} (1 s) after the last heartbeat; Consul then invalidates the
 *       session linked to the check and frees the key (behavior release).
 *   <li>Consul refuses to hand the key to anyone for {@code lockDelay} (500 ms) after an invalidation.
 *       Standbys wake from their blocking read when the key changes and retry every {@code acquireRetry}
 *       (50 ms) while the lock-delay lasts. Failover ≈ TTL + lock-delay + ε ≈ 1.6 s.
 *   <li>Safety: a leader that has not confirmed its lock (heartbeat accepted and session alive) for
 *       {@code leaseBound()} = {@code checkTtl} since the <em>send</em> time of its last confirmed heartbeat
 *       closes its gate. Consul cannot invalidate the session earlier than that same point, and nobody can
 *       acquire before a further lock-delay, so the old leader has stopped {@code lockDelay} before anyone
 *       else can start.
 *   <li>A holder whose session is younger than {@code leaseBound()} waits until it is that old before opening:
 *       if Consul lost its state, every session it now knows was created after the loss, and a leader it forgot
 *       has stopped {@code leaseBound()} after the loss. Standbys in an ordinary failover hold older sessions.
 * </ul>
 *
 * @param checkTtl TTL of the health check the process heartbeats
 * @param heartbeatInterval how often the check is passed (well under {@code checkTtl})
 * @param lockDelay session lock-delay: how long Consul keeps the key from others after an invalidation
 * @param blockingWait longest wait of one blocking read of the key
 * @param acquireRetry retry interval while the key is free but cannot be acquired (lock-delay)
 * @param retryMin first back-off when Consul is unreachable
 * @param retryMax back-off cap when Consul is unreachable
 * @param deadlineTick how often the lease deadline is checked
 */
public record LeadershipTiming(
    Duration checkTtl,
    Duration heartbeatInterval,
    Duration lockDelay,
    Duration blockingWait,
    Duration acquireRetry,
    Duration retryMin,
    Duration retryMax,
    Duration deadlineTick) {

  // The defaults of the four timing options (ConsulOptions' picocli defaults read these), argued above.
  public static final int DEFAULT_CHECK_TTL_SECONDS = 1;
  public static final int DEFAULT_HEARTBEAT_INTERVAL_MILLIS = 250;
  public static final int DEFAULT_LOCK_DELAY_MILLIS = 500;
  public static final int DEFAULT_RETRY_MAX_SECONDS = 5;

  /** The first back-off while Consul is unreachable; it doubles up to {@code retryMax}. */
  public static final int RETRY_MIN_MILLIS = 100;

  private static final Duration BLOCKING_WAIT = Duration.ofSeconds(5);
  private static final Duration ACQUIRE_RETRY = Duration.ofMillis(50);
  private static final Duration DEADLINE_TICK = Duration.ofMillis(20);

  public static LeadershipTiming defaults() {
    return of(
        Duration.ofSeconds(DEFAULT_CHECK_TTL_SECONDS),
        Duration.ofMillis(DEFAULT_HEARTBEAT_INTERVAL_MILLIS),
        Duration.ofMillis(DEFAULT_LOCK_DELAY_MILLIS),
        Duration.ofSeconds(DEFAULT_RETRY_MAX_SECONDS));
  }

  /** The timing with the given option values; what is not an option is fixed. */
  public static LeadershipTiming of(
      Duration checkTtl, Duration heartbeatInterval, Duration lockDelay, Duration retryMax) {
    return new LeadershipTiming(
        checkTtl,
        heartbeatInterval,
        lockDelay,
        BLOCKING_WAIT,
        ACQUIRE_RETRY,
        Duration.ofMillis(RETRY_MIN_MILLIS),
        retryMax,
        DEADLINE_TICK);
  }

  public LeadershipTiming {
    if (heartbeatInterval.multipliedBy(2).compareTo(checkTtl) > 0) {
      throw new IllegalArgumentException(
          "heartbeat interval " + heartbeatInterval + " must be at most half the check TTL " + checkTtl);
    }
    if (lockDelay.compareTo(deadlineTick.multipliedBy(2)) < 0) {
      throw new IllegalArgumentException(
          "lock-delay " + lockDelay + " must leave a margin of two deadline ticks (" + deadlineTick + ")");
    }
    if (retryMin.isNegative() || retryMin.isZero() || retryMax.compareTo(retryMin) < 0) {
      throw new IllegalArgumentException("need 0 < retry-min <= retry-max");
    }
  }

  /** How long a leader may go without confirming its lock before it must stop serving. */
  public Duration leaseBound() {
    return checkTtl;
  }
}
