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
  void slowRoundTripsKeepTenthOfAMillisecondResolution() {
    LatencyHistogram histogram = new LatencyHistogram();
    histogram.record(45_678_000L);
    histogram.record(5_000_000_000L);

    assertThat(histogram.percentileMicros(50)).isEqualTo(45_600);
    assertThat(histogram.percentileMicros(100)).isEqualTo(5_000_000);
  }

  @Test
  void roundTripsBeyondTenSecondsSaturateInsteadOfBeingLost() {
    LatencyHistogram histogram = new LatencyHistogram();
    histogram.record(60_000_000_000L);

    assertThat(histogram.count()).isEqualTo(1);
    assertThat(histogram.percentileMicros(100)).isEqualTo(10_009_900);
  }

  @Test
  void emptyHasZeroPercentiles() {
    assertThat(new LatencyHistogram().percentileMicros(99)).isZero();
  }
}
