package org.example.echo.leadership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LeadershipTimingTest {

  @Test
  void theMarginIsATenthAndAHundredMilliseconds() {
    assertThat(LeadershipTiming.margin(Duration.ofMillis(1000))).isEqualTo(Duration.ofMillis(200));
    assertThat(LeadershipTiming.margin(Duration.ofMillis(1600))).isEqualTo(Duration.ofMillis(260));
    assertThat(LeadershipTiming.servingWindow(Duration.ofMillis(1600))).isEqualTo(Duration.ofMillis(1340));
    assertThat(LeadershipTiming.servingWindow(Duration.ZERO)).isNegative();
  }

  @Test
  void defaultsConfirmFarMoreOftenThanTheWindowsLast() {
    LeadershipTiming t = LeadershipTiming.defaults();
    assertThat(t.heartbeatInterval()).isEqualTo(Duration.ofMillis(200));
    assertThat(t.confirmInterval()).isEqualTo(Duration.ofMillis(100));
    assertThat(t.retryMin()).isEqualTo(Duration.ofMillis(100));
    assertThat(t.retryMax()).isEqualTo(Duration.ofSeconds(5));
    assertThat(t.deadlineTick()).isEqualTo(Duration.ofMillis(20));
  }

  @Test
  void rejectsNonsense() {
    LeadershipTiming d = LeadershipTiming.defaults();
    assertThatThrownBy(() -> new LeadershipTiming(Duration.ZERO, d.confirmInterval(), d.blockingWait(),
        d.acquireRetry(), d.retryMin(), d.retryMax(), d.deadlineTick())).hasMessageContaining("positive");
    assertThatThrownBy(() -> new LeadershipTiming(d.heartbeatInterval(), Duration.ofMillis(-1), d.blockingWait(),
        d.acquireRetry(), d.retryMin(), d.retryMax(), d.deadlineTick())).hasMessageContaining("positive");
    assertThatThrownBy(() -> new LeadershipTiming(d.heartbeatInterval(), d.confirmInterval(), d.blockingWait(),
        d.acquireRetry(), d.retryMin(), d.retryMax(), Duration.ZERO)).hasMessageContaining("positive");
    assertThatThrownBy(() -> new LeadershipTiming(d.heartbeatInterval(), d.confirmInterval(), d.blockingWait(),
        d.acquireRetry(), Duration.ZERO, d.retryMax(), d.deadlineTick())).hasMessageContaining("retry");
    assertThatThrownBy(() -> new LeadershipTiming(d.heartbeatInterval(), d.confirmInterval(), d.blockingWait(),
        d.acquireRetry(), d.retryMin(), Duration.ofMillis(99), d.deadlineTick())).hasMessageContaining("retry");
    assertThat(new LeadershipTiming(d.heartbeatInterval(), d.confirmInterval(), d.blockingWait(),
        d.acquireRetry(), d.retryMin(), d.retryMin(), d.deadlineTick()).retryMax()).isEqualTo(d.retryMin());
  }

  @Test
  void termsRejectNonsenseAndTellTheLongestHold() {
    LeaseTerms t = new LeaseTerms(Duration.ofMillis(800), Duration.ofMillis(1000), Duration.ofMillis(1600));
    assertThat(t.longestHold()).isEqualTo(Duration.ofMillis(1600));
    assertThat(new LeaseTerms(Duration.ofMillis(800), Duration.ofMillis(1000), Duration.ofMillis(900))
        .longestHold()).isEqualTo(Duration.ofMillis(1000));
    assertThatThrownBy(() -> new LeaseTerms(Duration.ZERO, Duration.ofMillis(1), Duration.ofMillis(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LeaseTerms(Duration.ofMillis(1), Duration.ofMillis(-1), Duration.ofMillis(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LeaseTerms(Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new LeaseTerms(Duration.ofMillis(1), Duration.ZERO, Duration.ZERO).longestHold()).isZero();
  }
}
