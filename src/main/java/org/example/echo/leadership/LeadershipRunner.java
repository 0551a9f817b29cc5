package org.example.echo.leadership;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the three {@link Leadership} loops on their own daemon threads, so a slow Consul call in one never
 * delays another (above all, never the deadline check).
 */
public final class LeadershipRunner {
  private static final Logger log = LoggerFactory.getLogger(LeadershipRunner.class);

  private final CountDownLatch stopped = new CountDownLatch(1);
  private final List<Thread> threads;

  public LeadershipRunner(Leadership leadership) {
    this.threads =
        List.of(
            loop("leadership-deadline", leadership::checkDeadlines),
            loop("leadership-maintain", leadership::maintain),
            loop("leadership-watch", leadership::watch));
  }

  public void start() {
    threads.forEach(Thread::start);
  }

  /**
   * Ends the loops and waits up to {@code await} for the deadline and maintain loops (a Consul call in flight
   * must not re-register after deregistration). The watch loop may sit in a blocking read; it is a daemon and
   * its result is ignored once stopping.
   */
  public void stop(Duration await) throws InterruptedException {
    stopped.countDown();
    long deadline = System.nanoTime() + await.toNanos();
    for (Thread t : threads.subList(0, 2)) {
      long left = deadline - System.nanoTime();
      if (left > 0) {
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      }
      if (t.isAlive()) {
        log.warn("{} did not end within {} ms", t.getName(), await.toMillis());
      }
    }
    threads.get(2).interrupt();
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
              } catch (RuntimeException e) {
                // A bug, not a Consul failure: without this loop leadership is unsafe, so stop serving.
                log.error("{} failed; exiting so a standby takes over", name, e);
                Runtime.getRuntime().halt(70);
              }
            },
            name);
    t.setDaemon(true);
    return t;
  }
}
