package org.example.echo.check;

import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;

/**
 * Reports a bad option in one line that names it, instead of picocli's message plus the whole usage text: the
 * tools run in scripts, whose logs should say what was wrong, not repeat the help. Exit code 2.
 */
public final class OneLineParameterErrors implements IParameterExceptionHandler {

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine command = ex.getCommandLine();
    command.getErr().println(ex.getMessage() + " (see '" + command.getCommandSpec().qualifiedName() + " --help')");
    command.getErr().flush();
    return command.getCommandSpec().exitCodeOnInvalidInput();
  }
}
