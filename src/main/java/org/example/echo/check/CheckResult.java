package org.example.echo.check;

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

  public int exitCode() {
    return passed ? 0 : 1;
  }
}
