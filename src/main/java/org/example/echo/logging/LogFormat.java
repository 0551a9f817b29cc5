package org.example.echo.logging;

import java.util.Locale;
import java.util.Optional;

/** {@code --log-format}: how each log line is written to stdout and the log files. */
public enum LogFormat {
  /** The pattern of logback.xml: one human-readable line per event (the default). */
  TEXT,
  /**
   * One JSON object per line, by Logback's own JsonEncoder: {@code timestamp} (epoch ms), {@code level},
   * {@code threadName}, {@code loggerName}, {@code message} (the template), {@code formattedMessage}, {@code
   * kvpList} (a connection's {@code conn}, {@code remote}, {@code code}, …), {@code mdc}, {@code throwable}.
   */
  JSON;

  /** The option's value ({@code text}, {@code json}, any case), or empty when it is neither. */
  public static Optional<LogFormat> parse(String value) {
    for (LogFormat f : values()) {
      if (f.name().equalsIgnoreCase(value.strip())) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
