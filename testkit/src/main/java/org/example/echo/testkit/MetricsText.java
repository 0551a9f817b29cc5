package org.example.echo.testkit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of {@code /metrics} (Prometheus' text format), to read single samples by name and labels:
 * {@code MetricsText.parse(body).value("echo_websocket_closes_total", "code", "1000")}.
 */
public final class MetricsText {

  /** {@code name{labels} value}; the optional timestamp after the value is ignored. */
  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})?\\s+(\\S+)(\\s+\\d+)?$");

  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  private final String text;

  private MetricsText(String text) {
    this.text = text;
  }

  public static MetricsText parse(String text) {
    return new MetricsText(text);
  }

  /**
   * The value of the first sample named {@code name} whose labels include the given pairs ({@code "code",
   * "1000"}), or empty when there is none.
   */
  public OptionalDouble value(String name, String... labelPairs) {
    if (labelPairs.length % 2 != 0) {
      throw new IllegalArgumentException("labels come in name, value pairs");
    }
    for (String line : (Iterable<String>) text.lines()::iterator) {
      Matcher m = SAMPLE.matcher(line.strip());
      if (!m.matches() || !m.group(1).equals(name)) {
        continue;
      }
      Map<String, String> labels = labels(m.group(3));
      boolean all = true;
      for (int i = 0; i < labelPairs.length; i += 2) {
        all &= labelPairs[i + 1].equals(labels.get(labelPairs[i]));
      }
      if (all) {
        return OptionalDouble.of(Double.parseDouble(m.group(4)));
      }
    }
    return OptionalDouble.empty();
  }

  /** Like {@link #value} but 0 when the sample is absent (a counter not yet created). */
  public double count(String name, String... labelPairs) {
    return value(name, labelPairs).orElse(0);
  }

  public boolean has(String name) {
    return value(name).isPresent();
  }

  private static Map<String, String> labels(String group) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (group != null) {
      Matcher m = LABEL.matcher(group);
      while (m.find()) {
        labels.put(m.group(1), m.group(2));
      }
    }
    return labels;
  }

  @Override
  public String toString() {
    return text;
  }
}
