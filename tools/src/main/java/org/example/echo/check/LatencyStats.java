package org.example.echo.check;

import java.util.Arrays;
import java.util.Locale;

/**
 * min/avg/max/dev of a set of durations, printed like tcpgoon ({@code 17.929ms/19.814ms/29.811ms/3.353ms}). The
 * deviation is the population standard deviation: the check measures every connection, not a sample.
 */
public record LatencyStats(int count, long minNanos, double avgNanos, long maxNanos, double devNanos) {

  /** Statistics of the entries that were measured; -1 marks a connection that never got that far. */
  static LatencyStats ofMeasured(long[] nanos) {
    return of(Arrays.stream(nanos).filter(n -> n >= 0).toArray());
  }

  static LatencyStats of(long[] nanos) {
    if (nanos.length == 0) {
      return new LatencyStats(0, 0, 0, 0, 0);
    }
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    double sum = 0;
    for (long n : nanos) {
      min = Math.min(min, n);
      max = Math.max(max, n);
      sum += n;
    }
    double avg = sum / nanos.length;
    double squares = 0;
    for (long n : nanos) {
      squares += (n - avg) * (n - avg);
    }
    return new LatencyStats(nanos.length, min, avg, max, Math.sqrt(squares / nanos.length));
  }

  /** {@code min/avg/max/dev = a/b/c/d} in milliseconds with microsecond digits. */
  public String format() {
    return "min/avg/max/dev = " + millis((double) minNanos) + "/" + millis(avgNanos) + "/" + millis((double) maxNanos) + "/"
        + millis(devNanos);
  }

  private static String millis(double nanos) {
    return String.format(Locale.ROOT, "%.3fms", nanos / 1_000_000.0);
  }
}
