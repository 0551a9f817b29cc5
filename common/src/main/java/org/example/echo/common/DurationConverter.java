package org.example.echo.common;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses durations the way people type them on a command line: {@code 250ms}, {@code 30s}, {@code 2m},
 * {@code 1h}, or a bare number meaning seconds. The service's and the tools' options and output all use it, so
 * what one prints the other reads.
 */
public final class DurationConverter implements ITypeConverter<Duration> {

  private static final Pattern FORMAT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  public static Duration parse(String value) {
    Matcher m = FORMAT.matcher(value.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new TypeConversionException(
          "'" + value + "' is not a duration (use e.g. 500ms, 30s, 2m, 1h, or a number of seconds)");
    }
    double amount = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    double millis =
        switch (unit) {
          case "ms" -> amount;
          case "s" -> amount * 1_000;
          case "m" -> amount * 60_000;
          case "h" -> amount * 3_600_000;
          default -> throw new TypeConversionException("unknown unit in '" + value + "'");
        };
    if (millis > Long.MAX_VALUE / 2.0) {
      throw new TypeConversionException("'" + value + "' is too long a duration");
    }
    return Duration.ofMillis(Math.round(millis));
  }

  /** Formats a duration back into the shortest form {@link #parse} accepts, in whole milliseconds (less is cut off). */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 3_600_000 == 0 && ms > 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0 && ms > 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1_000 == 0) {
      return ms / 1_000 + "s";
    }
    return ms + "ms";
  }
}
