package org.example.echo.e2e;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.example.echo.testing.EchoClient;

/**
 * Asks every replica directly, round after round, whether it accepts echo traffic, and remembers any round in
 * which more than one did: the "never two serving" check of the end-to-end tests.
 */
final class ReplicaSampler implements AutoCloseable {

  private final ComposeStack stack;
  private final WebSocketClient client = new WebSocketClient();
  private final Thread thread;
  private final Duration interval;
  private final Duration maxRunTime;
  private volatile boolean stopped;
  private final AtomicInteger rounds = new AtomicInteger();
  private final AtomicInteger roundsWithTwoServing = new AtomicInteger();

  ReplicaSampler(ComposeStack stack, Duration interval, Duration maxRunTime) throws Exception {
    this.stack = stack;
    this.interval = interval;
    this.maxRunTime = maxRunTime;
    client.setConnectTimeout(300);
    client.start();
    thread = new Thread(this::loop, "replica-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    long deadline = System.nanoTime() + maxRunTime.toNanos();
    while (!stopped && System.nanoTime() < deadline) {
      long next = System.nanoTime() + interval.toNanos();
      List<CompletableFuture<Boolean>> answers = new ArrayList<>();
      for (String replica : ComposeStack.REPLICAS) {
        answers.add(CompletableFuture.supplyAsync(() -> accepts(replica)));
      }
      long serving = answers.stream().filter(CompletableFuture::join).count();
      rounds.incrementAndGet();
      if (serving > 1) {
        roundsWithTwoServing.incrementAndGet();
      }
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
    }
  }

  private boolean accepts(String replica) {
    try {
      String ip = stack.ip(replica);
      if (ip.isEmpty()) {
        return false;
      }
      EchoClient c = EchoClient.connect(client, URI.create("ws://" + ip + ":8080/"));
      try {
        return "echo: sample".equals(c.echo("sample", Duration.ofMillis(500)));
      } finally {
        c.close();
      }
    } catch (Exception | AssertionError e) {
      return false;
    }
  }

  int rounds() {
    return rounds.get();
  }

  int roundsWithTwoServing() {
    return roundsWithTwoServing.get();
  }

  @Override
  public void close() {
    stopped = true;
    try {
      thread.join(5_000);
      client.stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop the sampler's client", e);
    }
  }
}
