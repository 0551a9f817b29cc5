package org.example.echo.check;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Round-trip latencies of a load run with 1 µs resolution up to 100 ms (one bucket above), recorded lock-free
 * from every connection's callbacks. Fixed size, so recording allocates nothing.
 */
final class LatencyHistogram {
  private static final int BUCKETS = 100_000;
  private final AtomicLongArray counts = new AtomicLongArray(BUCKETS + 1);

  void record(long nanos) {
    long micros = Math.max(0, nanos / 1_000);
    counts.incrementAndGet((int) Math.min(micros, BUCKETS));
  }

  long count() {
    long total = 0;
    for (int i = 0; i <= BUCKETS; i++) {
      total += counts.get(i);
    }
    return total;
  }

  /** The latency in µs below which {@code percentile} % of the samples fall; 0 if there are none. */
  long percentileMicros(double percentile) {
    long total = count();
    if (total == 0) {
      return 0;
    }
    long rank = (long) Math.ceil(total * percentile / 100.0);
    long seen = 0;
    for (int i = 0; i <= BUCKETS; i++) {
      seen += counts.get(i);
      if (seen >= Math.max(1, rank)) {
        return i;
      }
    }
    return BUCKETS;
  }
}
