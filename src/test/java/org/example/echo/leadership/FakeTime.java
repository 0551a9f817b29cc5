package org.example.echo.leadership;

import java.time.Duration;
import java.time.Instant;

/** A clock that moves only when the test says so. */
final class FakeTime implements TimeSource {
  private long nanos = 1_000_000_000L;
  private final Instant epoch = Instant.parse("2026-01-01T00:00:00Z");

  @Override
  public synchronized long nanos() {
    return nanos;
  }

  @Override
  public synchronized Instant now() {
    return epoch.plusNanos(nanos);
  }

  synchronized void advance(Duration d) {
    nanos += d.toNanos();
  }
}
