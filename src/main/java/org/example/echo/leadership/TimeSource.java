package org.example.echo.leadership;

import java.time.Instant;

/** Monotonic time for deadlines and wall time for display; tests substitute a controllable one. */
public interface TimeSource {

  /** Monotonic nanoseconds (like {@link System#nanoTime()}); never goes backwards. */
  long nanos();

  /** Wall-clock time, only for reporting. */
  Instant now();

  static TimeSource system() {
    return new TimeSource() {
      @Override
      public long nanos() {
        return System.nanoTime();
      }

      @Override
      public Instant now() {
        return Instant.now();
      }
    };
  }
}
