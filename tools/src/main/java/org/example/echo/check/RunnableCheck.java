package org.example.echo.check;

/** A check the command can run and Ctrl-C can stop, whichever client drives it. */
interface RunnableCheck {
  CheckResult run() throws Exception;

  /** Ends the check early: waits end, the summary is printed and every connection closed. */
  void stop();
}
