package org.example.echo.common;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The usage error for a value picocli could convert but the command cannot use, worded like picocli's own
 * conversion errors, so every bad value of the service's and the tools' command lines reads the same:
 * {@code Invalid value for option '--port': ...}.
 */
public final class InvalidOption {

  private InvalidOption() {}

  public static ParameterException of(CommandLine commandLine, String option, String problem) {
    return new ParameterException(commandLine, "Invalid value for option '" + option + "': " + problem);
  }

  /** The same for a positional parameter, named as picocli names it, e.g. {@code <ws-url>}. */
  public static ParameterException ofParameter(CommandLine commandLine, String label, String problem) {
    return new ParameterException(commandLine, "Invalid value for positional parameter '" + label + "': " + problem);
  }
}
