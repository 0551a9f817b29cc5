package org.example.echo.ws;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * A WARN line for an event that an attack can repeat thousands of times a second (refused connections, accept
 * failures at the open-file limit): at most one line per period, counting the events it stood for, instead of
 * a line (or a stack trace) each: 490 refusals once wrote 1 MB of log.
 */
final class RateLimitedLog {

  private final Logger log;
  private final long periodNanos;
  private final AtomicLong events = new AtomicLong();
  private final AtomicLong nextLineAt = new AtomicLong(System.nanoTime());

  RateLimitedLog(Logger log, Duration period) {
    this.log = log;
    this.periodNanos = period.toNanos();
  }

  /** Counts one event; logs {@code message} with the count when no line was written this period. */
  void warn(String message) {
    events.incrementAndGet();
    long now = System.nanoTime();
    long next = nextLineAt.get();
    if (now - next >= 0 && nextLineAt.compareAndSet(next, now + periodNanos)) {
      long count = events.getAndSet(0);
      log.warn("{} ({} time(s) since the last such line; at most one line per {} ms)",
          message, count, Duration.ofNanos(periodNanos).toMillis());
    }
  }
}
