package org.example.echo.leadership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LeadershipTimingTest {

  @Test
  void defaultsFailOverWellUnderThreeSeconds() {
    LeadershipTiming t = LeadershipTiming.defaults();
    Duration worstFailover = t.checkTtl().plus(t.lockDelay()).plus(t.acquireRetry());
    assertThat(worstFailover).isLessThan(Duration.ofSeconds(3));
    assertThat(t.leaseBound()).isEqualTo(t.checkTtl());
  }

  @Test
  void rejectsUnsafeCombinations() {
    assertThatThrownBy(() -> with(Duration.ofMillis(600), Duration.ofMillis(500)))
        .hasMessageContaining("half the check TTL");
    assertThatThrownBy(() -> with(Duration.ofMillis(250), Duration.ofMillis(10)))
        .hasMessageContaining("lock-delay");
  }

  private static LeadershipTiming with(Duration heartbeat, Duration lockDelay) {
    LeadershipTiming d = LeadershipTiming.defaults();
    return new LeadershipTiming(d.checkTtl(), heartbeat, lockDelay, d.blockingWait(), d.acquireRetry(),
        d.retryMin(), d.retryMax(), d.deadlineTick());
  }
}
