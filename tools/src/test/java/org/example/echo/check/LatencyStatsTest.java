package org.example.echo.check;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencyStatsTest {

  @Test
  void computesMinAvgMaxAndPopulationDeviation() {
    LatencyStats stats = LatencyStats.of(new long[] {3_000_000, 1_000_000, 2_000_000});

    assertThat(stats.count()).isEqualTo(3);
    // Population deviation of 1, 2, 3 ms: sqrt(2/3) ms = 0.816 ms.
    assertThat(stats.format()).isEqualTo("min/avg/max/dev = 1.000ms/2.000ms/3.000ms/0.816ms");
  }

  @Test
  void keepsMicrosecondDigits() {
    assertThat(LatencyStats.of(new long[] {17_929_400}).format())
        .isEqualTo("min/avg/max/dev = 17.929ms/17.929ms/17.929ms/0.000ms");
  }

  @Test
  void emptyIsAllZeros() {
    LatencyStats stats = LatencyStats.of(new long[0]);

    assertThat(stats.count()).isZero();
    assertThat(stats.format()).isEqualTo("min/avg/max/dev = 0.000ms/0.000ms/0.000ms/0.000ms");
  }
}
