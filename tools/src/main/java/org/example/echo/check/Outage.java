package org.example.echo.check;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.example.echo.common.DurationConverter;

/**
 * A span in which every probe attempt failed: from the start of the first failed attempt to the start of the
 * next successful one (so it is measured to within one interval, plus the attempt timeout if attempts hung).
 *
 * @param start when the first failed attempt started
 * @param end when the next successful attempt started, or when probing stopped if {@code ongoing}
 * @param length {@code end - start}, measured on the monotonic clock
 * @param failedAttempts attempts that failed in this span
 * @param firstError why the first of them failed
 * @param ongoing whether probing stopped before the endpoint answered again
 */
public record Outage(
    Instant start, Instant end, Duration length, int failedAttempts, String firstError, boolean ongoing) {

  public String format() {
    return "Outage: start " + start.truncatedTo(ChronoUnit.MILLIS) + ", end " + end.truncatedTo(ChronoUnit.MILLIS)
        + (ongoing ? " (still down when probing stopped)" : "") + ", length " + DurationConverter.format(length)
        + ", failed attempts " + failedAttempts + ", first error: " + firstError;
  }
}
