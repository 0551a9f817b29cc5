package org.example.echo.check;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * What a reconnect check saw, as events arrive: how many connections echo at each moment, when the first one
 * dropped, and from when on 50 %, 99 % and 100 % of them echoed again and stayed so. Pure bookkeeping on
 * timestamps the caller passes (System.nanoTime in the client, chosen values in tests); single-threaded.
 *
 * <p>"Echoing" means connected, upgraded and answered the first echo since that (re)connect; a connection stops
 * echoing when it drops. The clock starts with the first drop after all connections echoed at once (a drop while
 * they are still being dialled is part of the fill, not a failure to recover from). A share counts as back at the moment the echoing count reached it for the last time
 * after the first drop, so a second wave of drops moves it later; if the count never fell below the share after
 * the first drop, it is back at once (0 s).
 */
final class Recovery {
  /** The shares reported: 50 %, 99 %, 100 % of the connections echoing again. */
  static final int[] PERCENTS = {50, 99, 100};
  private static final int REASONS_SHOWN = 3;
  private static final int REASON_LENGTH = 90;

  private final int total;
  private final int[] needed = new int[PERCENTS.length];
  /** Since when the echoing count has stayed at or above needed[i]; -1 while it is below. */
  private final long[] since = new long[PERCENTS.length];
  private final Map<String, Integer> failureReasons = new HashMap<>();
  private int echoing;
  private boolean filled;
  private long firstDropNanos = -1;
  private long lastDropNanos = -1;
  private int drops;
  private int fewest;
  private long fewestAtNanos = -1;
  private long attempts;
  private long failedAttempts;

  Recovery(int total) {
    if (total < 1) {
      throw new IllegalArgumentException("at least one connection, got " + total);
    }
    this.total = total;
    for (int i = 0; i < PERCENTS.length; i++) {
      // ceil(total * p / 100) in integers: 99 % of 10 is 10, not 9.9 rounded down
      needed[i] = (int) ((total * (long) PERCENTS[i] + 99) / 100);
      since[i] = -1;
    }
    fewest = total;
  }

  int total() {
    return total;
  }

  int echoing() {
    return echoing;
  }

  /** Whether all connections have echoed at once: the fill is over and a drop now starts the clock. */
  boolean filled() {
    return filled;
  }

  /** One more connection answered its first echo since it (re)connected. */
  void connectionEchoes(long nanos) {
    if (echoing == total) {
      throw new IllegalStateException("all " + total + " connections echo already");
    }
    echoing++;
    filled |= echoing == total;
    for (int i = 0; i < needed.length; i++) {
      if (since[i] < 0 && echoing >= needed[i]) {
        since[i] = nanos;
      }
    }
  }

  /** An echoing connection dropped (closed, broken, or an echo unanswered); the first after the fill starts the clock. */
  void connectionDropped(long nanos) {
    if (echoing == 0) {
      throw new IllegalStateException("no connection echoes, so none can drop");
    }
    echoing--;
    if (!filled) {
      return;
    }
    if (firstDropNanos < 0) {
      firstDropNanos = nanos;
    }
    lastDropNanos = nanos;
    drops++;
    for (int i = 0; i < needed.length; i++) {
      if (echoing < needed[i]) {
        since[i] = -1;
      }
    }
    if (echoing < fewest) {
      fewest = echoing;
      fewestAtNanos = nanos;
    }
  }

  /** A dial began; counted once a connection has dropped (the initial dials are not reconnects). */
  void attempted() {
    if (dropped()) {
      attempts++;
    }
  }

  /** A dial after the first drop failed before its first echo, for {@code reason}. */
  void attemptFailed(String reason) {
    if (dropped()) {
      failedAttempts++;
      String key = reason.length() > REASON_LENGTH ? reason.substring(0, REASON_LENGTH) + "…" : reason;
      failureReasons.merge(key, 1, Integer::sum);
    }
  }

  boolean dropped() {
    return firstDropNanos >= 0;
  }

  /** Every connection echoes again after a drop. */
  boolean recovered() {
    return dropped() && echoing == total;
  }

  long firstDropNanos() {
    return firstDropNanos;
  }

  int drops() {
    return drops;
  }

  long attempts() {
    return attempts;
  }

  long failedAttempts() {
    return failedAttempts;
  }

  /** The fewest connections echoing at once after the first drop, and when (nanos after it). */
  int fewest() {
    return fewest;
  }

  long fewestAfterNanos() {
    return fewestAtNanos - firstDropNanos;
  }

  long dropSpreadNanos() {
    return lastDropNanos - firstDropNanos;
  }

  /** How long after the first drop PERCENTS[i] % of the connections echoed again (and stayed so), if they did. */
  OptionalLong backAfterNanos(int i) {
    if (!dropped() || since[i] < 0) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Math.max(0, since[i] - firstDropNanos));
  }

  /** "50 % after 1.523 s, 99 % after 1.812 s, 100 % not within the run (9,990 echoing)". */
  String formatBackAfter() {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < PERCENTS.length; i++) {
      line.append(i == 0 ? "" : ", ").append(PERCENTS[i]).append(" % ");
      OptionalLong after = backAfterNanos(i);
      line.append(after.isPresent() ? "after " + seconds(after.getAsLong()) : "not within the run");
    }
    return line.toString();
  }

  /** The most frequent failure reasons of the reconnect attempts, "12000 × upgrade rejected: …; 35 × …". */
  Optional<String> formatFailureReasons() {
    if (failureReasons.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(failureReasons.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
            .thenComparing(Map.Entry.comparingByKey()))
        .limit(REASONS_SHOWN)
        .map(entry -> entry.getValue() + " × " + entry.getKey())
        .collect(Collectors.joining("; ")));
  }

  /** One line of key=value pairs for scripts: milliseconds, "-" for a share that never came back. */
  String formatMachineLine() {
    StringBuilder line = new StringBuilder("RECOVERY n=" + total + " dropped=" + drops);
    for (int i = 0; i < PERCENTS.length; i++) {
      OptionalLong after = backAfterNanos(i);
      line.append(" p").append(PERCENTS[i]).append("_ms=")
          .append(after.isPresent() ? String.valueOf(Math.round(after.getAsLong() / 1e6)) : "-");
    }
    return line.append(" attempts=").append(attempts).append(" failed=").append(failedAttempts)
        .append(" echoing=").append(echoing).toString();
  }

  static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.3f s", nanos / 1e9);
  }
}
