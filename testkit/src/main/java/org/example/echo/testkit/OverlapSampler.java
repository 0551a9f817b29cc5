package org.example.echo.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The "never two serving" check: asks every target at once (one thread each, so a round is one moment), round
 * after round, whether it serves, and records every round in which more than one did. Bounded: it stops on
 * {@link #close()} or after its time limit.
 */
public final class OverlapSampler implements AutoCloseable {

  private final List<String> names;
  private final List<BooleanSupplier> questions;
  private final ExecutorService askers;
  private final Thread loop;
  private final List<String> overlaps = new ArrayList<>();
  private volatile boolean running = true;
  private int rounds;
  private long noneSince;
  private long longestNone;
  private long lastServing;
  private long longestBetween;

  /** {@code targets}: name → "does it serve now?"; a question that fails should answer false. */
  public OverlapSampler(String name, Map<String, BooleanSupplier> targets, Duration period, Duration limit) {
    this.names = List.copyOf(targets.keySet());
    this.questions = names.stream().map(targets::get).toList();
    this.askers = Executors.newFixedThreadPool(names.size());
    this.loop = new Thread(() -> run(period, limit), name);
    loop.setDaemon(true);
    loop.start();
  }

  private void run(Duration period, Duration limit) {
    long end = System.nanoTime() + limit.toNanos();
    while (running && System.nanoTime() < end) {
      long next = System.nanoTime() + period.toNanos();
      List<CompletableFuture<Boolean>> round =
          questions.stream().map(q -> CompletableFuture.supplyAsync(q::getAsBoolean, askers)).toList();
      List<String> serving = new ArrayList<>();
      for (int i = 0; i < names.size(); i++) {
        if (round.get(i).join()) {
          serving.add(names.get(i));
        }
      }
      synchronized (this) {
        rounds++;
        if (serving.size() > 1) {
          overlaps.add(System.currentTimeMillis() + ": " + serving);
        }
        long now = System.nanoTime();
        if (!serving.isEmpty()) {
          if (noneSince != 0 && lastServing != 0) {
            longestBetween = Math.max(longestBetween, now - lastServing);
          }
          lastServing = now;
        }
        if (serving.isEmpty() && noneSince == 0) {
          noneSince = now;
        } else if (!serving.isEmpty() && noneSince != 0) {
          longestNone = Math.max(longestNone, now - noneSince);
          noneSince = 0;
        }
      }
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
    }
  }

  public synchronized int rounds() {
    return rounds;
  }

  /**
   * The longest time from a round in which no target served to the next round in which one did (a gap still open
   * counts up to now); zero if every round had one serving.
   */
  public synchronized Duration longestNoneServing() {
    long open = noneSince == 0 ? 0 : System.nanoTime() - noneSince;
    return Duration.ofNanos(Math.max(longestNone, open));
  }

  /**
   * The longest time from a round in which a target served to the next such round after one or more in which none
   * did (a gap still open counts up to now); zero if none was missed. Unlike {@link #longestNoneServing()} it
   * includes the whole first failed round, so it is the figure for questions that fail slowly (a call that waits
   * for its timeout); it exceeds the gap by at most one round.
   */
  public synchronized Duration longestBetweenServing() {
    long open = noneSince == 0 || lastServing == 0 ? 0 : System.nanoTime() - lastServing;
    return Duration.ofNanos(Math.max(longestBetween, open));
  }

  /** The rounds in which more than one target served: when, and which. */
  public synchronized List<String> overlaps() {
    return List.copyOf(overlaps);
  }

  @Override
  public void close() {
    running = false;
    try {
      loop.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      askers.shutdownNow();
    }
  }
}
