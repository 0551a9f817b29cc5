package org.example.echo.check;

import java.time.Duration;
import java.util.Locale;

/** Human-readable durations for the tools' output: "850 ms", "2.345 s". */
final class Durations {
  private Durations() {}

  static String format(Duration duration) {
    if (duration.compareTo(Duration.ofSeconds(1)) < 0) {
      return duration.toMillis() + " ms";
    }
    return String.format(Locale.ROOT, "%.3f s", duration.toNanos() / 1e9);
  }
}
