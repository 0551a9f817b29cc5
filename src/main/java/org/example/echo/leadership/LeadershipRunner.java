package org.example.echo.leadership;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the four {@link Leadership} loops on their own daemon threads, so a slow Consul call in one never
 * delays another (above all, never the deadline check).
 */
public final class LeadershipRunner {
  private static final Logger log = LoggerFactory.getLogger(LeadershipRunner.class);

  /** Exit status after an Error in a loop (a RuntimeException, a bug, keeps 70, EX_SOFTWARE). */
  static final int ERROR_EXIT = 1;

  static final int BUG_EXIT = 70;

  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Leadership leadership;
  private final IntConsumer halt;
  private final List<Thread> threads;

  public LeadershipRunner(Leadership leadership) {
    this(leadership, status -> Runtime.getRuntime().halt(status));
  }

  /** {@code halt} ends the process without shutdown hooks; tests substitute one that records the status. */
  LeadershipRunner(Leadership leadership, IntConsumer halt) {
    this.leadership = leadership;
    this.halt = halt;
    this.threads =
        List.of(
            loop("leadership-deadline", leadership::checkDeadlines),
            loop("leadership-keeper", leadership::keepAlive),
            loop("leadership-confirm", leadership::confirm),
            loop("leadership-watch", leadership::watch));
  }

  public void start() {
    threads.forEach(Thread::start);
  }

  /**
   * Ends the loops and waits up to {@code await} for the deadline, keep-alive and confirm loops (a keep-alive in
   * flight must not re-register after leaving). The watch loop may sit in a blocking read; it is a daemon and its
   * result is ignored once stopping.
   */
  public void stop(Duration await) throws InterruptedException {
    stopped.countDown();
    long deadline = System.nanoTime() + await.toNanos();
    for (Thread t : threads.subList(0, 3)) {
      long left = deadline - System.nanoTime();
      if (left > 0) {
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      }
      if (t.isAlive()) {
        log.warn("{} did not end within {} ms", t.getName(), await.toMillis());
      }
    }
    threads.get(3).interrupt();
  }

  private Thread loop(String name, Supplier<Optional<Duration>> step) {
    Thread t =
        new Thread(
            () -> {
              try {
                while (stopped.getCount() > 0) {
                  Optional<Duration> next = step.get();
                  if (next.isEmpty() || stopped.await(next.get().toNanos(), TimeUnit.NANOSECONDS)) {
                    return;
                  }
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (Throwable e) { // An Error too, or the deadline check could die silently
                failStop(name, e);
              }
            },
            name);
    t.setDaemon(true);
    return t;
  }

  /**
   * A loop died (a bug, or an Error such as OutOfMemoryError): without it nothing guarantees that the gate closes
   * when the lease runs out, so close it now and halt; a standby takes over once our check expires.
   */
  private void failStop(String name, Throwable e) {
    int status = e instanceof Error ? ERROR_EXIT : BUG_EXIT;
    try {
      leadership.stopServingAtOnce();
      log.error("{} failed: stopped serving, halting with status {} so a standby takes over", name, status, e);
    } catch (Throwable again) { // Halt whatever happens.
      e.addSuppressed(again);
    } finally {
      halt.accept(status);
    }
  }
}
