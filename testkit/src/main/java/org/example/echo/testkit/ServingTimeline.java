package org.example.echo.testkit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Stretches of time in which a replica was certainly serving, one per held connection, and every pair of
 * replicas whose stretches intersect. Times are {@link System#nanoTime()} values.
 *
 * <p>A stretch begins once the replica's answer to the upgrade was received and ends when the last echo that it
 * answered on that connection was sent; until the first such echo it is empty and proves nothing.
 */
final class ServingTimeline {

  /** One held connection's stretch: [from, to], empty while {@code to < from}. */
  static final class Stretch {
    private final String replica;
    private final long from;
    private long to = Long.MIN_VALUE;

    private Stretch(String replica, long from) {
      this.replica = replica;
      this.from = from;
    }
  }

  private final long wallMillisAtStart = System.currentTimeMillis();
  private final long nanosAtStart = System.nanoTime();
  private final List<Stretch> stretches = new ArrayList<>();
  private final List<String> overlaps = new ArrayList<>();
  private final List<Long> overlapTimes = new ArrayList<>();
  private final Map<String, Integer> answersByReplica = new HashMap<>();

  /** {@code replica} accepted an upgrade; its answer had been received by {@code at}. */
  synchronized Stretch upgraded(String replica, long at) {
    Stretch stretch = new Stretch(replica, at);
    stretches.add(stretch);
    return stretch;
  }

  /** The connection of {@code stretch} answered an echo sent at {@code sentAt}: the replica served until then. */
  synchronized void answered(Stretch stretch, long sentAt) {
    answersByReplica.merge(stretch.replica, 1, Integer::sum);
    if (sentAt <= stretch.to) {
      return;
    }
    boolean wasEmpty = stretch.to < stretch.from;
    long before = stretch.to;
    stretch.to = sentAt;
    for (Stretch other : stretches) {
      if (other.replica.equals(stretch.replica) || other.to < other.from) {
        continue;
      }
      // Report a pair once: when it first intersects (it did not before this stretch grew).
      boolean intersects = intersect(stretch.from, stretch.to, other);
      boolean intersectedBefore = !wasEmpty && intersect(stretch.from, before, other);
      if (intersects && !intersectedBefore) {
        overlaps.add(describe(stretch) + " and " + describe(other));
        overlapTimes.add(wall(Math.max(stretch.from, other.from)).toEpochMilli());
      }
    }
  }

  private static boolean intersect(long from, long to, Stretch other) {
    return Math.max(from, other.from) <= Math.min(to, other.to);
  }

  private String describe(Stretch s) {
    return s.replica + " served " + wall(s.from) + " to " + wall(s.to);
  }

  private Instant wall(long nanos) {
    return Instant.ofEpochMilli(wallMillisAtStart + (nanos - nanosAtStart) / 1_000_000);
  }

  /** Echoes answered on held connections. */
  synchronized int answers() {
    return answersByReplica.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** Echoes answered on held connections to {@code replica}. */
  synchronized int answers(String replica) {
    return answersByReplica.getOrDefault(replica, 0);
  }

  /** Every pair of replicas seen serving at one moment, described with both stretches. */
  synchronized List<String> overlaps() {
    return List.copyOf(overlaps);
  }

  /** When each of {@link #overlaps()} began (wall clock, epoch ms). */
  synchronized List<Long> overlapTimes() {
    return List.copyOf(overlapTimes);
  }
}
