package org.example.echo.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The tools jar's entry point runs each tool as a subcommand. */
class ToolsTest {

  @Test
  void probeRunsAsASubcommand() {
    // A probe that ran and saw only failures exits 1; an unknown subcommand would exit 2.
    int status = Tools.run("probe", "--interval", "20ms", "--duration", "100ms", "--max-outage", "10ms",
        "ws://127.0.0.1:" + ClosedPort.find() + "/");

    assertThat(status).isEqualTo(1);
  }

  @Test
  void checkRunsAsASubcommand() {
    int status = Tools.run("check", "-c", "1", "-d", "500", "ws://127.0.0.1:" + ClosedPort.find() + "/");

    assertThat(status).isEqualTo(1);
  }

  @Test
  void anUnknownToolIsAUsageError() {
    assertThat(Tools.run("nonsense")).isEqualTo(2);
  }

  /** picocli formats help texts with String.format: a bare % makes every --help print a WARN to stderr. */
  @Test
  void everyToolsHelpRendersWithoutAPicocliWarning() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream original = System.err;
    List<String> usage = new ArrayList<>();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      CommandLine tools = Tools.commandLine();
      usage.add(tools.getUsageMessage());
      tools.getSubcommands().values().forEach(tool -> usage.add(tool.getUsageMessage()));
    } finally {
      System.setErr(original);
    }

    assertThat(usage).hasSize(3).allSatisfy(text -> assertThat(text).startsWith("Usage: "));
    assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("picocli WARN");
  }
}
