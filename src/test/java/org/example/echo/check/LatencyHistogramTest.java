package org.example.echo.check;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

  @Test
  void percentilesFollowTheRecordedDistribution() {
    LatencyHistogram histogram = new LatencyHistogram();
    for (int micros = 1; micros <= 1000; micros++) {
      histogram.record(micros * 1_000L);
    }

    assertThat(histogram.count()).isEqualTo(1000);
    assertThat(histogram.percentileMicros(50)).isEqualTo(500);
    assertThat(histogram.percentileMicros(99)).isEqualTo(990);
    assertThat(histogram.percentileMicros(100)).isEqualTo(1000);
  }

  @Test
  void slowOutliersLandInTheTopBucketInsteadOfBeingLost() {
    LatencyHistogram histogram = new LatencyHistogram();
    histogram.record(5_000_000_000L);

    assertThat(histogram.count()).isEqualTo(1);
    assertThat(histogram.percentileMicros(100)).isEqualTo(100_000);
  }

  @Test
  void emptyHasZeroPercentiles() {
    assertThat(new LatencyHistogram().percentileMicros(99)).isZero();
  }
}
