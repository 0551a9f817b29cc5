package org.example.echo.ws;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.example.echo.core.TrafficGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The traffic gate of the WebSocket transport: admits new echo connections while open and keeps track of the
 * open ones, because closing the gate closes every one of them with the caller's code, so "stop serving" is one
 * call for leadership and shutdown.
 */
final class ConnectionGate implements TrafficGate {

  private static final Logger log = LoggerFactory.getLogger(ConnectionGate.class);

  private final Map<Long, EchoEndpoint> open = new ConcurrentHashMap<>();
  private final Object emptied = new Object();
  private final AtomicLong nextId = new AtomicLong(1);
  // Counts the closes: an upgrade decided before a close may not join the next open period.
  private final AtomicLong closes = new AtomicLong();
  private volatile boolean admitting;
  private volatile int closeCode = 1001;
  private volatile String closeReason = "not serving";

  long nextConnectionId() {
    return nextId.getAndIncrement();
  }

  /**
   * Which open period this is, for an upgrade decision to take before it asks {@link #isOpen()}: the same number
   * later means no close came in between.
   */
  long period() {
    return closes.get();
  }

  /**
   * Adds a connection that has just opened. Returns false, and closes it, when the gate closed between the
   * upgrade decision and now, even if it opened again since, so no connection outlives a close of the gate.
   */
  boolean add(EchoEndpoint endpoint) {
    open.put(endpoint.id(), endpoint);
    if (!admitting || closes.get() != endpoint.decidedIn()) {
      open.remove(endpoint.id());
      endpoint.close(closeCode, closeReason);
      return false;
    }
    return true;
  }

  void remove(EchoEndpoint endpoint) {
    if (open.remove(endpoint.id()) != null && open.isEmpty()) {
      synchronized (emptied) {
        emptied.notifyAll();
      }
    }
  }

  /** Waits until no connection is open, at most {@code timeout}; true if none is. */
  boolean awaitEmpty(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (emptied) {
      while (!open.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(emptied, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return open.isEmpty();
        }
      }
      return true;
    }
  }

  /** Cuts every open connection off at once, without a close handshake. */
  void disconnectAll() {
    for (EchoEndpoint endpoint : open.values()) {
      endpoint.disconnect();
    }
  }

  int size() {
    return open.size();
  }

  @Override
  public void open() {
    if (!admitting) {
      admitting = true;
      log.info("serving: accepting WebSocket clients");
    }
  }

  @Override
  public void close(int code, String reason) {
    closeCode = code;
    closeReason = reason;
    closes.incrementAndGet(); // before admitting turns false, so an add that still sees it open sees this
    boolean wasAdmitting = admitting;
    admitting = false;
    int count = open.size();
    if (wasAdmitting || count > 0) {
      log.info("not serving: closing {} connection(s) with {} ({})", count, code, reason);
    }
    for (EchoEndpoint endpoint : open.values()) {
      endpoint.close(code, reason);
    }
  }

  @Override
  public boolean isOpen() {
    return admitting;
  }
}
