package org.example.echo.check;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses "50ms", "1.5s", "2m", "1h" or ISO-8601 ("PT3S"). A bare number is refused: its unit would be a guess. */
public final class DurationConverter implements ITypeConverter<Duration> {
  private static final Pattern AMOUNT_AND_UNIT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)");

  @Override
  public Duration convert(String value) {
    String text = value.trim().toLowerCase(Locale.ROOT);
    Matcher matcher = AMOUNT_AND_UNIT.matcher(text);
    if (matcher.matches()) {
      BigDecimal amount = new BigDecimal(matcher.group(1));
      long nanosPerUnit =
          switch (matcher.group(2)) {
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            default -> 3_600_000_000_000L;
          };
      return Duration.ofNanos(amount.multiply(BigDecimal.valueOf(nanosPerUnit)).longValue());
    }
    if (text.startsWith("p")) {
      try {
        return Duration.parse(value.trim());
      } catch (DateTimeParseException e) {
        // fall through to the common message
      }
    }
    throw new TypeConversionException("'" + value + "' is not a duration like 50ms, 3s, 1.5s or 2m");
  }
}
