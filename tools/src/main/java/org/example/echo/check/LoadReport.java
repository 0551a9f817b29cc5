package org.example.echo.check;

import java.util.Locale;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The closed-loop line of a check's summary, the same for every client: echoes, msgs/s and round-trip
 * percentiles. Round trips are recorded in nanoseconds into an HdrHistogram with 3 significant digits: each
 * percentile is within 0.1 % of the recorded value, of any length (the histogram resizes), and recording
 * allocates nothing once the range is reached.
 */
final class LoadReport {
  private static final int SIGNIFICANT_DIGITS = 3;

  private LoadReport() {}

  /** For the Jetty client: its connections' callbacks record on many threads at once, without a lock. */
  static Histogram concurrentHistogram() {
    return new ConcurrentHistogram(SIGNIFICANT_DIGITS);
  }

  /** For the NIO client: one selector thread records, and reads only after the run. */
  static Histogram singleWriterHistogram() {
    return new Histogram(SIGNIFICANT_DIGITS);
  }

  /**
   * {@code Load: N connections, B-byte messages for S s: E echoes, R msgs/s, latency p50/p99/p99.9/max = …}. A
   * percentile is nearest-rank: the smallest round trip that at least that share of the echoes did not exceed.
   */
  static String format(int connections, int messageSize, long elapsedNanos, Histogram roundTripNanos) {
    long messages = roundTripNanos.getTotalCount();
    double seconds = elapsedNanos / 1e9;
    return String.format(
        Locale.ROOT,
        "Load: %d connections, %d-byte messages for %.1f s: %d echoes, %.0f msgs/s,"
            + " latency p50/p99/p99.9/max = %.3fms/%.3fms/%.3fms/%.3fms",
        connections,
        messageSize,
        seconds,
        messages,
        messages / seconds,
        millis(roundTripNanos.getValueAtPercentile(50)),
        millis(roundTripNanos.getValueAtPercentile(99)),
        millis(roundTripNanos.getValueAtPercentile(99.9)),
        millis(roundTripNanos.getMaxValue()));
  }

  private static double millis(long nanos) {
    return nanos / 1e6;
  }
}
