package org.example.echo.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** The sampler behind every "never two serving" assertion must see two serving when it happens. */
class OverlapSamplerTest {

  @Test
  void recordsTheRoundsInWhichMoreThanOneTargetServes() {
    AtomicBoolean bServes = new AtomicBoolean(false);
    Map<String, BooleanSupplier> targets = new LinkedHashMap<>();
    targets.put("a", () -> true);
    targets.put("b", bServes::get);
    targets.put("c", () -> false);
    try (OverlapSampler sampler =
        new OverlapSampler("test-sampler", targets, Duration.ofMillis(5), Duration.ofSeconds(30))) {
      await().atMost(Duration.ofSeconds(5)).until(() -> sampler.rounds() >= 3);
      assertThat(sampler.overlaps()).isEmpty();

      bServes.set(true);
      await().atMost(Duration.ofSeconds(5)).until(() -> !sampler.overlaps().isEmpty());
      assertThat(sampler.overlaps().get(0)).endsWith(": [a, b]");
    }
  }

  @Test
  void measuresTheLongestTimeNoTargetServed() {
    AtomicBoolean serves = new AtomicBoolean(true);
    try (OverlapSampler sampler = sampling(serves::get)) {
      assertThat(sampler.longestNoneServing()).isZero();
      serves.set(false);
      int before = sampler.rounds();
      await().atMost(Duration.ofSeconds(5)).until(() -> sampler.rounds() >= before + 20);
      assertThat(sampler.longestNoneServing()).as("a gap still open counts").isPositive();
      serves.set(true);
      int again = sampler.rounds();
      await().atMost(Duration.ofSeconds(5)).until(() -> sampler.rounds() >= again + 3);
      Duration gap = sampler.longestNoneServing();
      assertThat(gap).isGreaterThanOrEqualTo(Duration.ofMillis(20 * 5 - 5));
      await().atMost(Duration.ofSeconds(5)).until(() -> sampler.rounds() >= again + 10);
      assertThat(sampler.longestNoneServing()).as("closed gaps do not grow").isEqualTo(gap);
    }
  }

  @Test
  void theTimeBetweenServingRoundsIncludesASlowFailedRound() {
    AtomicBoolean serves = new AtomicBoolean(true);
    // Like a read waiting for its timeout: a failing answer takes 100 ms.
    try (OverlapSampler sampler = sampling(() -> serves.get() || slowNo(Duration.ofMillis(100)))) {
      assertThat(sampler.longestBetweenServing()).isZero();
      serves.set(false);
      int before = sampler.rounds();
      await().atMost(Duration.ofSeconds(5)).until(() -> sampler.rounds() >= before + 3);
      serves.set(true);
      int again = sampler.rounds();
      await().atMost(Duration.ofSeconds(5)).until(() -> sampler.rounds() >= again + 3);
      assertThat(sampler.longestBetweenServing()).as("the first failed round counts too")
          .isGreaterThanOrEqualTo(sampler.longestNoneServing().plusMillis(100));
    }
  }

  /** A sampler of one target "a", every 5 ms, once it has run three rounds. */
  private static OverlapSampler sampling(BooleanSupplier a) {
    OverlapSampler sampler =
        new OverlapSampler("test-sampler", Map.of("a", a), Duration.ofMillis(5), Duration.ofSeconds(30));
    await().atMost(Duration.ofSeconds(5)).until(() -> sampler.rounds() >= 3);
    return sampler;
  }

  private static boolean slowNo(Duration d) {
    long until = System.nanoTime() + d.toNanos();
    for (long left = d.toNanos(); left > 0; left = until - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
    return false;
  }
}
