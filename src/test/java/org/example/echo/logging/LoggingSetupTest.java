package org.example.echo.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class LoggingSetupTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @AfterEach
  void restoreRoot() throws Exception {
    Logger root = root();
    root.detachAppender("ASYNC_FILE");
    LoggingSetup.apply(Level.INFO, null, LogFormat.TEXT);
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  private static Object stdoutEncoder() {
    AsyncAppender async = (AsyncAppender) root().getAppender("ASYNC_STDOUT");
    return ((OutputStreamAppender<?>) async.getAppender("STDOUT")).getEncoder();
  }

  @Test
  void writesToTheLogDirectoryAtTheChosenLevel() throws Exception {
    Path logs = dir.resolve("nested/log");
    LoggingSetup.apply(Level.DEBUG, logs, LogFormat.TEXT);
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
    assertThat(stdoutEncoder()).isInstanceOf(PatternLayoutEncoder.class);
  }

  @Test
  void textIsTheUnchangedPatternAndShowsNoKeyValuePairs() throws Exception {
    Path logs = dir.resolve("text");
    LoggingSetup.apply(Level.INFO, logs, LogFormat.TEXT);
    LoggerFactory.getLogger("logging-setup-test").atInfo().addKeyValue("conn", 7).log("conn={} open", 7);
    Path file = logs.resolve(LoggingSetup.FILE_NAME);
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(file).content().contains("open"));
    assertThat(Files.readString(file).strip())
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\S+ INFO  \\[[^]]+\\] logging-setup-test - conn=7 open");
  }

  @Test
  void jsonIsOneObjectPerLineWithTheConnectionFieldsAsKeyValuePairs() throws Exception {
    Path logs = dir.resolve("json");
    LoggingSetup.apply(Level.INFO, logs, LogFormat.JSON);
    assertThat(stdoutEncoder()).isInstanceOf(JsonEncoder.class);
    org.slf4j.Logger log = LoggerFactory.getLogger("logging-setup-test");
    log.atInfo().addKeyValue("conn", 7).addKeyValue("remote", "10.0.0.9:4242").addKeyValue("code", 1000)
        .log("conn={} remote={} closed code={} reason={}", 7, "10.0.0.9:4242", 1000, "bye \"now\"\nreally");
    log.warn("a plain line with a {}", "value", new IllegalStateException("boom"));
    Path file = logs.resolve(LoggingSetup.FILE_NAME);
    await().atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(Files.readAllLines(file)).hasSize(2));

    List<String> lines = Files.readAllLines(file);
    JsonNode closed = JSON.readTree(lines.get(0));
    assertThat(closed.get("timestamp").asLong()).isPositive();
    assertThat(closed.get("level").asText()).isEqualTo("INFO");
    assertThat(closed.get("loggerName").asText()).isEqualTo("logging-setup-test");
    assertThat(closed.get("formattedMessage").asText())
        .isEqualTo("conn=7 remote=10.0.0.9:4242 closed code=1000 reason=bye \"now\"\nreally");
    assertThat(closed.get("kvpList").toString())
        .isEqualTo("[{\"conn\":\"7\"},{\"remote\":\"10.0.0.9:4242\"},{\"code\":\"1000\"}]");
    JsonNode warned = JSON.readTree(lines.get(1));
    assertThat(warned.get("formattedMessage").asText()).isEqualTo("a plain line with a value");
    assertThat(warned.get("throwable").get("message").asText()).isEqualTo("boom");
  }
}
