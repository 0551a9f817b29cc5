package org.example.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.example.echo.common.DurationConverter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * The README's option tables repeat what the code defines once (each option's environment variable and default,
 * as picocli reads them): a default changed in the code and not in the README fails here.
 */
class ReadmeOptionsTest {

  /** {@code | `--port` | `ECHO_PORT` | `8080` | …}; a default not in backticks is prose such as "(none)". */
  private static final Pattern ROW = Pattern.compile("^\\| `(--[a-z-]+)` \\| `?([A-Z_]*)`? \\| ([^|]*) \\|", Pattern.MULTILINE);

  /** picocli's {@code ${env:NAME:-default}} or {@code ${env:NAME}}. */
  private static final Pattern ENV_DEFAULT = Pattern.compile("\\$\\{env:(\\w+)(?::-([^}]*))?}");

  private record Documented(String env, String defaultCell) {}

  @Test
  void everyOptionIsDocumentedWithItsEnvironmentVariableAndDefault() throws IOException {
    Map<String, Documented> readme = readmeRows(Files.readString(Path.of("README.md")));

    for (OptionSpec option : Main.commandLine().getCommandSpec().options()) {
      String name = option.longestName();
      if (option.usageHelp() || option.versionHelp()) {
        continue;
      }
      assertThat(readme).as("README row for %s", name).containsKey(name);
      String declared = declaredDefault(option);
      Matcher m = ENV_DEFAULT.matcher(declared);
      assertThat(m.matches()).as("%s takes its default from the environment: %s", name, declared).isTrue();
      Documented row = readme.get(name);
      assertThat(row.env()).as("environment variable of %s", name).isEqualTo(m.group(1));
      String codeDefault = m.group(2) == null ? "" : m.group(2);
      if (codeDefault.isEmpty()) {
        assertThat(row.defaultCell()).as("%s has no default in the code", name).doesNotStartWith("`");
      } else {
        assertThat(sameValue(row.defaultCell(), "`" + codeDefault + "`"))
            .as("README default of %s: %s, the code's: %s", name, row.defaultCell(), codeDefault).isTrue();
      }
    }
  }

  /** The default as the annotation declares it ({@code defaultValue()} would be the interpolated one). */
  private static String declaredDefault(OptionSpec option) {
    assertThat(option.userObject()).as("%s is an annotated field", option.longestName()).isInstanceOf(Field.class);
    return ((Field) option.userObject()).getAnnotation(Option.class).defaultValue();
  }

  /** Equal text, or the same duration written two ways ({@code 1s} and {@code 1000ms}). */
  private static boolean sameValue(String readme, String code) {
    if (readme.equals(code)) {
      return true;
    }
    try {
      return DurationConverter.parse(readme.replace("`", "")).equals(DurationConverter.parse(code.replace("`", "")));
    } catch (RuntimeException notADuration) {
      return false;
    }
  }

  private static Map<String, Documented> readmeRows(String readme) {
    Map<String, Documented> rows = new LinkedHashMap<>();
    Matcher m = ROW.matcher(readme);
    while (m.find()) {
      rows.put(m.group(1), new Documented(m.group(2), m.group(3).trim()));
    }
    return rows;
  }
}
