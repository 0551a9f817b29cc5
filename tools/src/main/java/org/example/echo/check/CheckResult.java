package org.example.echo.check;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The outcome of a check.
 *
 * @param counts connection states when the check ended, before it closed its own connections
 * @param handshakes handshake times of the connections that were established
 * @param echoes echo round trips (count 0 without --echo)
 * @param connectRate how fast the connections became ready, one line; empty if none did
 * @param passed whether all connections were established (and echoed) and none was closed
 * @param verdict one line saying why it passed or failed
 */
public record CheckResult(
    StatusCounts counts,
    LatencyStats handshakes,
    LatencyStats echoes,
    String connectRate,
    boolean passed, String verdict) {

  /**
   * The verdict rules every client shares: interrupted, or not every connection established. Empty when
   * neither applies and the caller's own rules decide.
   */
  static Optional<CheckResult> connectFailure(
      StatusCounts counts,
      LatencyStats handshakes,
      LatencyStats echoes,
      String connectRate,
      boolean interrupted,
      Supplier<String> firstFailure) {
    int n = counts.total();
    if (interrupted) {
      return Optional.of(new CheckResult(counts, handshakes, echoes, connectRate, false,
          "interrupted with " + counts.established() + " of " + n + " connections established"));
    }
    if (counts.error() > 0 || counts.dialing() > 0 || counts.notInitiated() > 0) {
      return Optional.of(new CheckResult(counts, handshakes, echoes, connectRate, false,
          counts.established() + " of " + n + " connections established, " + counts.error()
              + " failed; first failure: " + firstFailure.get()));
    }
    return Optional.empty();
  }

  public int exitCode() {
    return passed ? 0 : 1;
  }

  /**
   * The tcpgoon-style statistics block and the verdict line (OK on {@code out}, FAILED on {@code err}).
   *
   * @param title what was checked, e.g. the URL
   * @param echo whether echoes were measured
   * @param loadReport the closed-loop figures, or empty
   */
  public void printSummary(PrintWriter out, PrintWriter err, String title, boolean echo, String loadReport) {
    out.println("--- " + title + " WebSocket check statistics ---");
    out.println(counts.format());
    out.println("Handshake time stats for " + handshakes.count() + " established connections " + handshakes.format());
    if (echo) {
      out.println("Echo round trip stats for " + echoes.count() + " echoed connections " + echoes.format());
    }
    if (!connectRate.isEmpty()) {
      out.println(connectRate);
    }
    if (!loadReport.isEmpty()) {
      out.println(loadReport);
    }
    if (passed) {
      out.println("OK: " + verdict);
    } else {
      out.flush();
      err.println("FAILED: " + verdict);
    }
    out.flush();
    err.flush();
  }

  /** The connect-rate line: from the first dial to the last connection ready; empty if none became ready. */
  static String connectRate(boolean echo, int ready, long startNanos, long lastReadyNanos) {
    if (lastReadyNanos == 0) {
      return "";
    }
    double seconds = Math.max(1, lastReadyNanos - startNanos) / 1e9;
    return String.format(Locale.ROOT, "Connect%s rate: %d connections in %.3f s = %.0f connections/s",
        echo ? " + first echo" : "", ready, seconds, ready / seconds);
  }
}
