package org.example.echo.leadership;

import java.time.Duration;

/**
 * How often the loops act, and the margin the serving deadline keeps from the lock service's promises
 * ({@link LeaseTerms}). The argument is in the README ("Why failover is fast and two instances never serve at
 * once").
 *
 * @param heartbeatInterval how often the keep-alive is sent (at most half the keep-alive expiry)
 * @param confirmInterval how often a holder confirms the lock with a linearizable read
 * @param blockingWait longest wait of one blocking read of the key
 * @param acquireRetry retry interval while the key is free but cannot be acquired (lock-delay) or may not be yet
 *     (a stale keep-alive, a session too young to open)
 * @param retryMin first back-off when the lock service is unreachable
 * @param retryMax back-off cap when the lock service is unreachable
 * @param deadlineTick how often the serving deadline is checked
 */
public record LeadershipTiming(
    Duration heartbeatInterval,
    Duration confirmInterval,
    Duration blockingWait,
    Duration acquireRetry,
    Duration retryMin,
    Duration retryMax,
    Duration deadlineTick) {

  // The defaults of the timing options (ConsulOptions' picocli defaults read these), argued in the README.
  public static final int DEFAULT_HEARTBEAT_INTERVAL_MILLIS = 200;
  public static final int DEFAULT_CONFIRM_INTERVAL_MILLIS = 100;
  public static final int DEFAULT_RETRY_MAX_SECONDS = 5;

  /** The first back-off while the lock service is unreachable; it doubles up to {@code retryMax}. */
  public static final int RETRY_MIN_MILLIS = 100;

  /**
   * The margin taken off every promise: a tenth for clock rates (ours against the lock service's; assumed within 1 %)
   * and what the deadline check and the gate take to act, plus 100 ms for scheduling on a busy host.
   */
  static final int MARGIN_PERCENT = 10;

  static final Duration MARGIN_FIXED = Duration.ofMillis(100);

  private static final Duration BLOCKING_WAIT = Duration.ofSeconds(5);
  private static final Duration ACQUIRE_RETRY = Duration.ofMillis(50);
  private static final Duration DEADLINE_TICK = Duration.ofMillis(20);

  public static LeadershipTiming defaults() {
    return of(
        Duration.ofMillis(DEFAULT_HEARTBEAT_INTERVAL_MILLIS),
        Duration.ofMillis(DEFAULT_CONFIRM_INTERVAL_MILLIS),
        Duration.ofSeconds(DEFAULT_RETRY_MAX_SECONDS));
  }

  /** The timing with the given option values; what is not an option is fixed. */
  public static LeadershipTiming of(Duration heartbeatInterval, Duration confirmInterval, Duration retryMax) {
    return new LeadershipTiming(
        heartbeatInterval,
        confirmInterval,
        BLOCKING_WAIT,
        ACQUIRE_RETRY,
        Duration.ofMillis(RETRY_MIN_MILLIS),
        retryMax,
        DEADLINE_TICK);
  }

  public LeadershipTiming {
    if (!positive(heartbeatInterval) || !positive(confirmInterval) || !positive(deadlineTick)) {
      throw new IllegalArgumentException("the heartbeat, confirm and deadline intervals must be positive");
    }
    if (!positive(retryMin) || retryMax.compareTo(retryMin) < 0) {
      throw new IllegalArgumentException("need 0 < retry-min <= retry-max");
    }
  }

  /** How much of a promise of {@code hold} is not used: a tenth, plus 100 ms. */
  public static Duration margin(Duration hold) {
    return hold.multipliedBy(MARGIN_PERCENT).dividedBy(100).plus(MARGIN_FIXED);
  }

  /** How long a leader serves after the event a promise of {@code hold} counts from (negative: not at all). */
  public static Duration servingWindow(Duration hold) {
    return hold.minus(margin(hold));
  }

  private static boolean positive(Duration d) {
    return !d.isNegative() && !d.isZero();
  }
}
