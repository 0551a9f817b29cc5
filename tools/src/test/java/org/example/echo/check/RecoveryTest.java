package org.example.echo.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The recovery figures from chosen event times (milliseconds as nanos for readability). */
class RecoveryTest {
  private static final long MS = 1_000_000;

  private static Recovery filled(int n) {
    Recovery recovery = new Recovery(n);
    for (int i = 0; i < n; i++) {
      recovery.connectionEchoes(0);
    }
    return recovery;
  }

  @Test
  void sharesComeBackWhenTheEchoingCountReachesThem() {
    Recovery recovery = filled(100);
    for (int i = 0; i < 100; i++) {
      recovery.connectionDropped(1_000 * MS + i * MS); // 100 drops over 99 ms
    }
    recovery.attempted(); // attempts and failures count from the first drop on
    recovery.attemptFailed("upgrade rejected: HTTP/1.1 503 Service Unavailable");
    for (int i = 1; i <= 100; i++) {
      recovery.attempted();
      recovery.connectionEchoes(2_000 * MS + 10L * i * MS); // the i-th back 1000 + 10 i ms after the first drop
    }

    assertThat(recovery.recovered()).isTrue();
    assertThat(recovery.backAfterNanos(0)).hasValue(1_500 * MS);
    assertThat(recovery.backAfterNanos(1)).hasValue(1_990 * MS);
    assertThat(recovery.backAfterNanos(2)).hasValue(2_000 * MS);
    assertThat(recovery.drops()).isEqualTo(100);
    assertThat(recovery.dropSpreadNanos()).isEqualTo(99 * MS);
    assertThat(recovery.fewest()).isZero();
    assertThat(recovery.fewestAfterNanos()).isEqualTo(99 * MS);
    assertThat(recovery.formatBackAfter()).isEqualTo("50 % after 1.500 s, 99 % after 1.990 s, 100 % after 2.000 s");
    assertThat(recovery.formatMachineLine())
        .isEqualTo("RECOVERY n=100 dropped=100 p50_ms=1500 p99_ms=1990 p100_ms=2000 attempts=101 failed=1 echoing=100");
  }

  @Test
  void aShareTheCountNeverFellBelowIsBackAtOnce() {
    Recovery recovery = filled(10);
    recovery.connectionDropped(5 * MS);
    recovery.connectionEchoes(25 * MS);

    assertThat(recovery.backAfterNanos(0)).hasValue(0);
    assertThat(recovery.backAfterNanos(1)).hasValue(20 * MS); // 99 % of 10 is all 10
    assertThat(recovery.backAfterNanos(2)).hasValue(20 * MS);
  }

  @Test
  void aSecondWaveMovesTheSharesItBreaksLater() {
    Recovery recovery = filled(4);
    recovery.connectionDropped(0);
    recovery.connectionDropped(0); // 2 of 4 still echo: 50 %
    recovery.connectionEchoes(10 * MS);
    recovery.connectionDropped(20 * MS);
    recovery.connectionDropped(20 * MS); // 1 of 4: below 50 % for the first time
    recovery.connectionEchoes(30 * MS); // 2 of 4 again
    recovery.connectionEchoes(40 * MS);

    assertThat(recovery.backAfterNanos(0)).hasValue(30 * MS);
    assertThat(recovery.backAfterNanos(2)).isEmpty();
    assertThat(recovery.recovered()).isFalse();
    assertThat(recovery.formatBackAfter()).isEqualTo("50 % after 0.030 s, 99 % not within the run, 100 % not within the run");
    assertThat(recovery.formatMachineLine()).contains("p99_ms=- p100_ms=-");
  }

  @Test
  void dropsDuringTheFillDoNotStartTheClock() {
    Recovery recovery = new Recovery(2);
    recovery.connectionEchoes(0);
    recovery.connectionDropped(MS);
    recovery.attempted();
    recovery.attemptFailed("refused");

    assertThat(recovery.dropped()).isFalse();
    assertThat(recovery.filled()).isFalse();
    assertThat(recovery.attempts()).isZero();
    assertThat(recovery.formatFailureReasons()).isEmpty();
    assertThat(recovery.backAfterNanos(0)).isEqualTo(OptionalLong.empty());
  }

  @Test
  void theCommonestFailureReasonsComeFirstAndLongOnesAreCut() {
    Recovery recovery = filled(1);
    recovery.connectionDropped(0);
    for (int i = 0; i < 3; i++) {
      recovery.attemptFailed("refused");
    }
    recovery.attemptFailed("503");
    recovery.attemptFailed("x".repeat(200));
    recovery.attemptFailed("timeout");
    recovery.attemptFailed("timeout");

    assertThat(recovery.formatFailureReasons()).hasValue("3 × refused; 2 × timeout; 1 × 503");
    Recovery longOne = filled(1);
    longOne.connectionDropped(0);
    longOne.attemptFailed("y".repeat(200));
    assertThat(longOne.formatFailureReasons()).hasValue("1 × " + "y".repeat(90) + "…");
  }

  @Test
  void itRefusesImpossibleEvents() {
    assertThatThrownBy(() -> new Recovery(0)).isInstanceOf(IllegalArgumentException.class);
    Recovery recovery = new Recovery(1);
    assertThatThrownBy(() -> recovery.connectionDropped(0)).isInstanceOf(IllegalStateException.class);
    recovery.connectionEchoes(0);
    assertThatThrownBy(() -> recovery.connectionEchoes(0)).isInstanceOf(IllegalStateException.class);
  }
}
