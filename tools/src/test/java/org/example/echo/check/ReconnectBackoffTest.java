package org.example.echo.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ReconnectBackoffTest {
  private final ReconnectBackoff backoff = new ReconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));

  @Test
  void theCeilingDoublesFromTheBaseUpToTheMax() {
    assertThat(new long[] {backoff.ceilingNanos(1), backoff.ceilingNanos(2), backoff.ceilingNanos(3),
        backoff.ceilingNanos(4), backoff.ceilingNanos(5), backoff.ceilingNanos(6)})
        .containsExactly(100_000_000L, 200_000_000L, 400_000_000L, 800_000_000L, 1_000_000_000L, 1_000_000_000L);
  }

  @Test
  void manyFailuresStayAtTheMaxInsteadOfOverflowing() {
    assertThat(backoff.ceilingNanos(64)).isEqualTo(1_000_000_000L);
    assertThat(backoff.ceilingNanos(Integer.MAX_VALUE)).isEqualTo(1_000_000_000L);
    ReconnectBackoff huge = new ReconnectBackoff(Duration.ofDays(1), Duration.ofDays(365));
    assertThat(huge.ceilingNanos(40)).isEqualTo(Duration.ofDays(365).toNanos());
  }

  @Test
  void eachWaitLiesBetweenHalfTheCeilingAndTheCeilingAndIsSpreadOverIt() {
    SplittableRandom random = new SplittableRandom(42);
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (int i = 0; i < 10_000; i++) {
      long delay = backoff.delayNanos(3, random);
      min = Math.min(min, delay);
      max = Math.max(max, delay);
    }
    assertThat(min).isBetween(200_000_000L, 210_000_000L);
    assertThat(max).isBetween(390_000_000L, 400_000_000L);
  }

  @Test
  void itRefusesNonsense() {
    assertThatThrownBy(() -> new ReconnectBackoff(Duration.ZERO, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ReconnectBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> backoff.ceilingNanos(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
