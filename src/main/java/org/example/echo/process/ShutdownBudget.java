package org.example.echo.process;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One time budget for the whole SIGTERM path, so it ends in time by construction, whatever the clients or the
 * lock service do: each step gets at most what is left after the steps behind it have their reserve, and a
 * step that overruns its share is left behind (on a daemon thread) with one WARN line, not waited for.
 */
public final class ShutdownBudget {

  private static final Logger log = LoggerFactory.getLogger(ShutdownBudget.class);

  /** A step of the shutdown; it may block. */
  @FunctionalInterface
  public interface Step {
    void run() throws Exception;
  }

  private final long deadlineNanos;

  private ShutdownBudget(long deadlineNanos) {
    this.deadlineNanos = deadlineNanos;
  }

  public static ShutdownBudget of(Duration total) {
    return new ShutdownBudget(System.nanoTime() + total.toNanos());
  }

  public Duration left() {
    return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
  }

  /** At most {@code cap}, and no more than leaves {@code reserve} for the steps after this one. */
  public Duration share(Duration cap, Duration reserve) {
    Duration available = left().minus(reserve);
    if (available.isNegative()) {
      return Duration.ZERO;
    }
    return available.compareTo(cap) < 0 ? available : cap;
  }

  /**
   * Runs the step on its own thread and waits for it at most {@code limit}; true if it ended within it. A step
   * that fails is logged and counts as ended: the shutdown goes on either way.
   */
  public boolean run(String name, Duration limit, Step step) throws InterruptedException {
    AtomicReference<Exception> failure = new AtomicReference<>();
    Thread worker = new Thread(() -> {
      try {
        step.run();
      } catch (Exception e) {
        failure.set(e);
      }
    }, "shutdown: " + name);
    worker.setDaemon(true); // one left behind must not keep the JVM up
    worker.start();
    worker.join(Math.max(1, limit.toMillis()));
    if (worker.isAlive()) {
      log.warn("shutdown: '{}' did not end within its {} ms; going on without it", name, limit.toMillis());
      return false;
    }
    if (failure.get() != null) {
      log.warn("shutdown: '{}' failed: {}", name, failure.get().toString());
    }
    return true;
  }
}
