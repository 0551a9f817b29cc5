package org.example.echo.check;

/** A check the command runs and Ctrl-C stops, whichever client drives it: {@link JettyCheck} or {@link NioCheck}. */
interface Check {
  CheckResult run() throws Exception;

  /** Ends the check early: waits end, the summary is printed and every connection closed. */
  void stop();
}
