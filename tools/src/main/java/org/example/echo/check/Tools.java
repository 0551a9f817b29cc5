package org.example.echo.check;

import org.example.echo.common.UsageError;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The tools jar's entry point: {@code check} (many parallel connections) and {@code probe} (outage length). */
@Command(
    name = "echo-tools",
    mixinStandardHelpOptions = true,
    subcommands = {CheckCommand.class, ProbeCommand.class},
    description = "Client tools for any WebSocket echo endpoint: check (tcpgoon style) and probe (outages).")
public final class Tools {

  private Tools() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit status; tests call it in-process. */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  static CommandLine commandLine() {
    return new CommandLine(new Tools()).setParameterExceptionHandler(UsageError::print);
  }
}
