package org.example.echo.ws;

/**
 * Decides whether this instance serves echo traffic. Leadership drives it: open while this instance holds the
 * lock, closed otherwise. Standalone mode opens it once at start.
 */
public interface TrafficGate {

  /** Start accepting WebSocket clients. Idempotent. */
  void open();

  /**
   * Refuse new WebSocket clients (HTTP 503) and close every open connection with the given close code and
   * reason. Idempotent; returns once the close frames have been queued, not when clients acknowledged them.
   */
  void close(int closeCode, String reason);

  /** Whether clients are accepted right now. */
  boolean isOpen();
}
