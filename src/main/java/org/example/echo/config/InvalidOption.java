package org.example.echo.config;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The usage error for a value picocli could convert but the service cannot use, worded like picocli's own
 * conversion errors, so every bad value reads the same: {@code Invalid value for option '--port': ...}.
 */
public final class InvalidOption {

  private InvalidOption() {}

  public static ParameterException of(CommandLine commandLine, String option, String problem) {
    return new ParameterException(commandLine, "Invalid value for option '" + option + "': " + problem);
  }
}
