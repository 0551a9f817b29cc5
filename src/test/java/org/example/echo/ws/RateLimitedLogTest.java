package org.example.echo.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RateLimitedLogTest {

  @Test
  void aBurstIsOneLineAndTheNextPeriodsLineCountsWhatItStoodFor() {
    Logger logger = (Logger) LoggerFactory.getLogger("RateLimitedLogTest");
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    RateLimitedLog log = new RateLimitedLog(logger, Duration.ofMillis(200));
    for (int i = 0; i < 10_000; i++) {
      log.warn("refused");
    }
    assertThat(lines.list).hasSize(1);
    assertThat(lines.list.get(0).getFormattedMessage()).startsWith("refused (1 time(s) since the last such line");
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      log.warn("refused");
      assertThat(lines.list).hasSize(2);
    });
    assertThat(lines.list.get(1).getFormattedMessage()).matches("refused \\(1[0-9]{4} time\\(s\\) since .*");
  }
}
