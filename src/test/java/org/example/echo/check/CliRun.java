package org.example.echo.check;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs one of the tools' commands in-process, as the jar would (one-line option errors), capturing its output. */
record CliRun(int exitCode, String out, String err) {

  static CliRun of(Object command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine =
        new CommandLine(command)
            .setParameterExceptionHandler(new OneLineParameterErrors())
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(args);
    return new CliRun(exitCode, out.toString(), err.toString());
  }
}
