package org.example.echo.core;

/**
 * Decides whether this instance serves echo traffic: a port of the core that the transport implements.
 * Leadership drives it: open while this instance holds the lock, closed otherwise.
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
