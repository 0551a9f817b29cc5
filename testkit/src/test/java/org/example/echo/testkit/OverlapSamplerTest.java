package org.example.echo.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
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
}
