package org.example.echo.common;

import java.io.PrintWriter;
import picocli.CommandLine;

/** How both command lines answer a bad option: one line naming it, not a page of usage, then exit status 2. */
public final class UsageError {
  private UsageError() {}

  /** A {@link CommandLine.IParameterExceptionHandler}: {@code commandLine.setParameterExceptionHandler(UsageError::print)}. */
  public static int print(CommandLine.ParameterException e, String[] args) {
    PrintWriter err = e.getCommandLine().getErr();
    err.println(e.getCommandLine().getCommandName() + ": " + e.getMessage() + " (see --help)");
    err.flush();
    return CommandLine.ExitCode.USAGE;
  }
}
