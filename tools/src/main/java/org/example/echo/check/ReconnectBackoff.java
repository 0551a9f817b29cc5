package org.example.echo.check;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Jittered exponential back-off between reconnect attempts ("equal jitter"): before attempt k (k = 1 for the
 * first retry after a drop) a client waits a random time in [c/2, c], c = min(max, base · 2^(k-1)). The random
 * half spreads a herd of clients that all dropped at once over the interval; the fixed half keeps a client from
 * retrying at once after a refusal, which full jitter (random in [0, c]) allows and a herd turns into a storm of
 * refused attempts.
 *
 * @param base the ceiling of the first wait
 * @param max the ceiling of every later wait: with the new server up, no client waits longer than this
 */
record ReconnectBackoff(Duration base, Duration max) {

  ReconnectBackoff {
    if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
      throw new IllegalArgumentException("need 0 < base <= max, got " + base + " and " + max);
    }
  }

  /** The wait before attempt {@code attempt} (1, 2, ...), in nanoseconds. */
  long delayNanos(int attempt, RandomGenerator random) {
    long ceiling = ceilingNanos(attempt);
    long half = ceiling / 2;
    return half + random.nextLong(ceiling - half + 1);
  }

  /** c for attempt {@code attempt}: base doubled attempt - 1 times, at most max. */
  long ceilingNanos(int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempts count from 1, got " + attempt);
    }
    long first = base.toNanos();
    int doublings = attempt - 1;
    if (doublings >= Long.numberOfLeadingZeros(first) - 1) {
      return max.toNanos(); // the doubled value would not fit a long, so it is beyond any max
    }
    return Math.min(first << doublings, max.toNanos());
  }
}
