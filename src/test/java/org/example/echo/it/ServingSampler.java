package org.example.echo.it;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Probes every instance every 20 ms (all at once, so a round is one moment) and records any round in which
 * two instances accepted a WebSocket upgrade. Bounded: it stops on {@link #close()} or after its time limit.
 */
public final class ServingSampler implements AutoCloseable {
  private static final long PERIOD_MS = 20;

  private final List<EchoProcess> instances;
  private final ExecutorService probes;
  private final Thread loop;
  private final List<String> overlaps = new ArrayList<>();
  private volatile boolean running = true;
  private int rounds;

  public ServingSampler(List<EchoProcess> instances, long limitSeconds) {
    this.instances = List.copyOf(instances);
    this.probes = Executors.newFixedThreadPool(instances.size());
    this.loop = new Thread(() -> run(limitSeconds), "serving-sampler");
    loop.setDaemon(true);
    loop.start();
  }

  private void run(long limitSeconds) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(limitSeconds);
    long next = System.nanoTime();
    while (running && System.nanoTime() < end) {
      List<CompletableFuture<Boolean>> round = new ArrayList<>();
      for (EchoProcess p : instances) {
        round.add(CompletableFuture.supplyAsync(p::serving, probes));
      }
      List<String> serving = new ArrayList<>();
      for (int i = 0; i < instances.size(); i++) {
        if (round.get(i).join()) {
          serving.add(instances.get(i).name);
        }
      }
      synchronized (this) {
        rounds++;
        if (serving.size() > 1) {
          overlaps.add(System.currentTimeMillis() + ": " + serving);
        }
      }
      next += TimeUnit.MILLISECONDS.toNanos(PERIOD_MS);
      long wait = next - System.nanoTime();
      if (wait > 0) {
        java.util.concurrent.locks.LockSupport.parkNanos(wait);
      }
    }
  }

  public synchronized List<String> overlaps() {
    return List.copyOf(overlaps);
  }

  public synchronized int rounds() {
    return rounds;
  }

  @Override
  public void close() {
    running = false;
    try {
      loop.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      probes.shutdownNow();
    }
  }
}
