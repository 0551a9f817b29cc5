package org.example.echo.check;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.example.echo.common.UsageError;
import picocli.CommandLine;

/**
 * Runs one of the tools' commands in-process, capturing its output. Bad options go through the real handler
 * (one line, exit 2); ToolsTest covers the real wiring of the subcommands.
 */
record CliRun(int exitCode, String out, String err) {

  static CliRun of(Object command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine =
        new CommandLine(command)
            .setParameterExceptionHandler(UsageError::print)
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(args);
    return new CliRun(exitCode, out.toString(), err.toString());
  }
}
