package org.example.echo.testkit;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.example.echo.common.EchoReply;

/**
 * The "never two serving" check of the end-to-end tests: watches every replica over a WebSocket connection of its
 * own and records each time two replicas were serving at one moment.
 *
 * <p>A watcher per replica tries to connect every {@code interval} until an upgrade is accepted, then holds that
 * connection and echoes on it every {@code interval}. An instance accepts an upgrade only while its gate is open
 * and closes every connection when the gate closes, so a held connection whose upgrade was answered at r and
 * which then answered an echo sent at s shows its replica serving throughout [r, s] (a {@link ServingTimeline}
 * stretch). Each stretch is narrower than the truth by a round trip at each end, so two stretches of different
 * replicas that intersect are two serving at once, whatever the machine's load did to the timing.
 *
 * <p>Why not ask every replica once per round with a fresh connection: on a loaded machine one answer came 210 ms
 * after the other, longer than a graceful hand-over (60–170 ms), so both answering in one round was not both
 * serving at once. The price of being exact: the old leader's last answered echo may be sent up to one interval
 * before its gate closes, and the new leader's stretch may begin up to one interval and a connect after its gate
 * opens, so an overlap shorter than about two intervals plus a connect can go unseen.
 */
public final class ReplicaSampler implements AutoCloseable {

  private static final String QUESTION = "sample";
  private static final Duration ANSWER_TIMEOUT = Duration.ofMillis(500);
  private static final Duration ADDRESS_TTL = Duration.ofSeconds(1);

  private final WebSocketClient client = new WebSocketClient();
  private final ServingTimeline timeline = new ServingTimeline();
  private final List<Thread> watchers = new ArrayList<>();
  private final Duration interval;
  private final long endNanos;
  private volatile boolean running = true;

  /** Watches the stack's replicas at their container addresses, port 8080. */
  public ReplicaSampler(ComposeStack stack, Duration interval, Duration maxRunTime) throws Exception {
    this(replicasOf(stack), interval, maxRunTime);
  }

  /** {@code replicas}: name → where to connect now (asked before every connection attempt). */
  public ReplicaSampler(Map<String, Supplier<URI>> replicas, Duration interval, Duration maxRunTime)
      throws Exception {
    this.interval = interval;
    this.endNanos = System.nanoTime() + maxRunTime.toNanos();
    client.setConnectTimeout(300);
    client.start();
    replicas.forEach((name, uri) -> {
      Thread watcher = new Thread(() -> watch(name, uri), "replica-sampler-" + name);
      watcher.setDaemon(true);
      watchers.add(watcher);
    });
    watchers.forEach(Thread::start);
  }

  private static Map<String, Supplier<URI>> replicasOf(ComposeStack stack) {
    Map<String, Supplier<URI>> replicas = new LinkedHashMap<>();
    for (String replica : ComposeStack.REPLICAS) {
      replicas.put(replica, addressOf(stack, replica));
    }
    return replicas;
  }

  /**
   * The replica's address (or none), looked up with docker at most once a second: a watcher asks before every
   * attempt, and docker processes compete with the stack for the cores. One watcher thread calls it.
   */
  private static Supplier<URI> addressOf(ComposeStack stack, String replica) {
    return new Supplier<>() {
      private String ip = "";
      private long lookedUp;

      @Override
      public URI get() {
        if (lookedUp == 0 || System.nanoTime() - lookedUp > ADDRESS_TTL.toNanos()) {
          ip = stack.ip(replica);
          lookedUp = System.nanoTime();
        }
        if (ip.isEmpty()) {
          throw new IllegalStateException(replica + " has no address");
        }
        return URI.create("ws://" + ip + ":8080/");
      }
    };
  }

  private void watch(String replica, Supplier<URI> uri) {
    EchoClient held = null;
    ServingTimeline.Stretch stretch = null;
    while (running && System.nanoTime() < endNanos) {
      long next = System.nanoTime() + interval.toNanos();
      if (held == null) {
        held = connect(uri);
        stretch = held == null ? null : timeline.upgraded(replica, System.nanoTime());
      }
      if (held != null) {
        long sent = System.nanoTime();
        if (answers(held)) {
          timeline.answered(stretch, sent);
        } else {
          held.close();
          held = null;
        }
      }
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
    }
    if (held != null) {
      held.close();
    }
  }

  /** A connection whose upgrade the replica accepted, or null (a standby's 503, no address, no answer). */
  private EchoClient connect(Supplier<URI> uri) {
    try {
      return EchoClient.connect(client, uri.get(), ANSWER_TIMEOUT);
    } catch (Exception | AssertionError e) {
      return null;
    }
  }

  private static boolean answers(EchoClient held) {
    try {
      return EchoReply.to(QUESTION).equals(held.echo(QUESTION, ANSWER_TIMEOUT));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception | AssertionError e) {
      return false;
    }
  }

  /** Echoes answered on held connections so far: a check that the sampler watched at all. */
  public int answers() {
    return timeline.answers();
  }

  /** Echoes {@code replica} answered on held connections so far: whether it was watched while it served. */
  public int answers(String replica) {
    return timeline.answers(replica);
  }

  /** Every time two replicas served at once: which two, and when (wall clock). */
  public List<String> overlaps() {
    return timeline.overlaps();
  }

  /** When each overlap began (wall clock, epoch ms). */
  public List<Long> overlapTimes() {
    return timeline.overlapTimes();
  }

  @Override
  public void close() {
    running = false;
    for (Thread watcher : watchers) {
      try {
        watcher.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      client.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop the sampler's client", e);
    }
  }
}
