package org.example.echo.check;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Round-trip latencies of a load run, recorded lock-free from every connection's callbacks: 1 µs resolution up
 * to 10 ms, 100 µs resolution up to about 10 s, anything slower in the last bucket. Fixed size, so recording
 * allocates nothing.
 */
final class LatencyHistogram {
  private static final int FINE_MICROS = 10_000;
  private static final int COARSE_STEP_MICROS = 100;
  private static final int COARSE_BUCKETS = 100_000;
  private final AtomicLongArray counts = new AtomicLongArray(FINE_MICROS + COARSE_BUCKETS);

  void record(long nanos) {
    long micros = Math.max(0, nanos / 1_000);
    int index =
        micros < FINE_MICROS
            ? (int) micros
            : FINE_MICROS + (int) Math.min((micros - FINE_MICROS) / COARSE_STEP_MICROS, COARSE_BUCKETS - 1);
    counts.incrementAndGet(index);
  }

  long count() {
    long total = 0;
    for (int i = 0; i < counts.length(); i++) {
      total += counts.get(i);
    }
    return total;
  }

  /** The latency in µs below which {@code percentile} % of the samples fall (bucket's lower bound); 0 if none. */
  long percentileMicros(double percentile) {
    long total = count();
    if (total == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(total * percentile / 100.0));
    long seen = 0;
    for (int i = 0; i < counts.length(); i++) {
      seen += counts.get(i);
      if (seen >= rank) {
        return i < FINE_MICROS ? i : FINE_MICROS + (long) (i - FINE_MICROS) * COARSE_STEP_MICROS;
      }
    }
    throw new IllegalStateException("rank " + rank + " beyond " + seen + " samples");
  }
}
