package org.example.echo.check;

import static org.assertj.core.api.Assertions.assertThat;

import org.example.echo.Main;
import org.junit.jupiter.api.Test;

/** The jar's entry point runs the tools as subcommands. */
class MainWiringTest {

  @Test
  void probeRunsAsASubcommandOfTheService() {
    // A probe that ran and saw only failures exits 1; an unknown subcommand would exit 2.
    int status = Main.run("probe", "--interval", "20ms", "--duration", "100ms", "--max-outage", "10ms",
        "ws://127.0.0.1:" + ClosedPort.find() + "/");

    assertThat(status).isEqualTo(1);
  }

  @Test
  void checkRunsAsASubcommandOfTheService() {
    int status = Main.run("check", "-c", "1", "-d", "500", "ws://127.0.0.1:" + ClosedPort.find() + "/");

    assertThat(status).isEqualTo(1);
  }
}
