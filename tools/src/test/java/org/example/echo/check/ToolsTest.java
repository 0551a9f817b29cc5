package org.example.echo.check;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

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
}
