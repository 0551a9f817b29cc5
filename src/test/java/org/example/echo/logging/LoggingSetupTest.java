package org.example.echo.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class LoggingSetupTest {

  @TempDir Path dir;

  @AfterEach
  void restoreRoot() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.detachAppender("ASYNC_FILE");
    root.setLevel(Level.INFO);
  }

  @Test
  void writesToTheLogDirectoryAtTheChosenLevel() throws Exception {
    Path logs = dir.resolve("nested/log");
    LoggingSetup.apply(Level.DEBUG, logs);
    org.slf4j.Logger log = LoggerFactory.getLogger("logging-setup-test");
    log.debug("a debug line for the file");
    log.trace("a trace line that must not appear");
    Path file = logs.resolve(LoggingSetup.FILE_NAME);
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(file).exists().content().contains("DEBUG", "a debug line for the file"));
    assertThat(Files.readString(file)).doesNotContain("a trace line");
    assertThat(((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("x").getEffectiveLevel())
        .isEqualTo(Level.DEBUG);
  }
}
