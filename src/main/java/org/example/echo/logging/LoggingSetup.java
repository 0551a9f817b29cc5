package org.example.echo.logging;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * Applies the command line's logging choices on top of {@code logback.xml}: the root level, the line format
 * (text or JSON), and rolling files under {@code --log-dir} in addition to stdout.
 */
public final class LoggingSetup {

  static final String FILE_NAME = "echo-service.log";

  private LoggingSetup() {}

  public static void apply(Level level, Path logDir, LogFormat format) throws IOException {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(level);
    AsyncAppender stdout = (AsyncAppender) root.getAppender("ASYNC_STDOUT");
    String pattern = context.getProperty("LOG_PATTERN");
    if (stdout == null || !(stdout.getAppender("STDOUT") instanceof OutputStreamAppender) || pattern == null) {
      throw new IllegalStateException("logback.xml must define ASYNC_STDOUT with STDOUT, and LOG_PATTERN");
    }
    @SuppressWarnings("unchecked") // checked above; an appender of a classic context gets logging events
    OutputStreamAppender<ILoggingEvent> console = (OutputStreamAppender<ILoggingEvent>) stdout.getAppender("STDOUT");
    console.stop();
    console.setEncoder(encoder(context, format, pattern));
    console.start();
    if (logDir != null) {
      Files.createDirectories(logDir);
      root.addAppender(async(context, stdout, rollingFile(context, logDir, encoder(context, format, pattern))));
    }
  }

  private static Encoder<ILoggingEvent> encoder(LoggerContext context, LogFormat format, String pattern) {
    if (format == LogFormat.JSON) {
      JsonEncoder json = new JsonEncoder();
      json.setContext(context);
      // What a log pipeline needs per line; the rest (sequence numbers, nanoseconds, the context's properties,
      // the raw arguments, which kvpList and formattedMessage already carry) only makes lines longer.
      json.setWithSequenceNumber(false);
      json.setWithNanoseconds(false);
      json.setWithContext(false);
      json.setWithArguments(false);
      json.setWithFormattedMessage(true);
      json.start();
      return json;
    }
    PatternLayoutEncoder text = new PatternLayoutEncoder();
    text.setContext(context);
    text.setPattern(pattern);
    text.start();
    return text;
  }

  /** Same policy as stdout in logback.xml: a full queue drops events instead of blocking a selector thread. */
  private static AsyncAppender async(
      LoggerContext context, AsyncAppender like, RollingFileAppender<ILoggingEvent> file) {
    AsyncAppender async = new AsyncAppender();
    async.setContext(context);
    async.setName("ASYNC_FILE");
    async.setQueueSize(like.getQueueSize());
    async.setDiscardingThreshold(like.getDiscardingThreshold());
    async.setNeverBlock(like.isNeverBlock());
    async.addAppender(file);
    async.start();
    return async;
  }

  private static RollingFileAppender<ILoggingEvent> rollingFile(
      LoggerContext context, Path dir, Encoder<ILoggingEvent> encoder) {
    RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
    appender.setContext(context);
    appender.setName("FILE");
    appender.setFile(dir.resolve(FILE_NAME).toString());
    appender.setEncoder(encoder);

    // Daily files, split at 10 MB, a week kept, never more than 500 MB on the volume.
    SizeAndTimeBasedRollingPolicy<ILoggingEvent> policy = new SizeAndTimeBasedRollingPolicy<>();
    policy.setContext(context);
    policy.setParent(appender);
    policy.setFileNamePattern(dir.resolve("echo-service.%d{yyyy-MM-dd}.%i.log.gz").toString());
    policy.setMaxFileSize(FileSize.valueOf("10MB"));
    policy.setMaxHistory(7);
    policy.setTotalSizeCap(FileSize.valueOf("500MB"));
    policy.start();

    appender.setRollingPolicy(policy);
    appender.start();
    return appender;
  }
}
