package org.example.echo.check;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * Runs one of the tools' commands in-process, capturing its output. Bad options are reported the way Main
 * reports them (one line, exit 2); MainWiringTest covers the real wiring.
 */
record CliRun(int exitCode, String out, String err) {

  static CliRun of(Object command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine =
        new CommandLine(command)
            .setParameterExceptionHandler(CliRun::oneLine)
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(args);
    return new CliRun(exitCode, out.toString(), err.toString());
  }

  private static int oneLine(CommandLine.ParameterException e, String[] args) {
    e.getCommandLine().getErr().println(e.getCommandLine().getCommandName() + ": " + e.getMessage());
    return CommandLine.ExitCode.USAGE;
  }
}
