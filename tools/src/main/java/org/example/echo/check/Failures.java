package org.example.echo.check;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/** The one-line failure reasons of both clients and the probe, so that all three say "refused" the same way. */
final class Failures {
  /** Enough for any real chain of causes, and an end for a cyclic one. */
  private static final int MAX_CAUSES = 10;

  private Failures() {}

  /** The failure a CompletableFuture stage reports inside a CompletionException. */
  static Throwable unwrap(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
  }

  /**
   * Like {@link #describe(Throwable)}, but a timeout is named with the limit that ran out, also when it comes
   * wrapped (Jetty's own upgrade timeout, as long as ours, arrives inside an UpgradeException).
   */
  static String describe(Throwable failure, Duration timeout) {
    Throwable cause = failure;
    for (int depth = 0; cause != null && depth < MAX_CAUSES; depth++, cause = cause.getCause()) {
      if (cause instanceof TimeoutException) {
        return "no answer within " + timeout.toMillis() + " ms";
      }
    }
    return describe(failure);
  }

  /** "ConnectException: Connection refused": the kind of failure and its message, for one-line reports. */
  static String describe(Throwable failure) {
    String message = failure.getMessage();
    return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
