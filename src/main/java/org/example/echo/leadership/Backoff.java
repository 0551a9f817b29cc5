package org.example.echo.leadership;

import java.time.Duration;

/** Capped exponential back-off: min, 2·min, 4·min … max. Not thread-safe. */
final class Backoff {
  private final Duration min;
  private final Duration max;
  private Duration next;
  private int attempts;

  Backoff(Duration min, Duration max) {
    this.min = min;
    this.max = max;
    this.next = min;
  }

  /** The delay before the next attempt; doubles the one after, up to the cap. */
  Duration next() {
    Duration d = next;
    attempts++;
    Duration doubled = next.multipliedBy(2);
    next = doubled.compareTo(max) > 0 ? max : doubled;
    return d;
  }

  int attempts() {
    return attempts;
  }

  void reset() {
    next = min;
    attempts = 0;
  }
}
