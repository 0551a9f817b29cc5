package org.example.echo.ws;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.nio.channels.SelectableChannel;

/**
 * How many connections (plain HTTP and WebSocket) this instance holds at once, in all and from one client
 * address, so a flood of connections is refused early, with a one-line 503, while the file descriptors last
 * and established clients keep working. Peers that are trusted proxies are not counted per address: they carry
 * many clients.
 */
final class ConnectionLimits {

  /** Open files kept for everything else (the jar, logs, the lock service's client) under the automatic limit. */
  static final int RESERVED_FILES = 128;

  private final int max;
  private final int maxPerClient;
  private final TrustedProxies exempt;
  private final AtomicInteger open = new AtomicInteger();
  private final Map<InetAddress, Integer> perClient = new ConcurrentHashMap<>();
  private final Map<SelectableChannel, Place> admitted = new ConcurrentHashMap<>();

  /** {@code max} 0: the open-file limit less {@link #RESERVED_FILES}; {@code maxPerClient} 0: no limit. */
  ConnectionLimits(int max, int maxPerClient, TrustedProxies exempt) {
    this.max = max > 0 ? max : automaticMax();
    this.maxPerClient = maxPerClient > 0 ? maxPerClient : Integer.MAX_VALUE;
    this.exempt = exempt;
  }

  int max() {
    return max;
  }

  /**
   * Counts a socket just accepted and returns null, or returns why it is refused (nothing counted). Counting at
   * accept, before Jetty sets the connection up, keeps a burst of accepts from using up the descriptors first.
   */
  String admit(SelectableChannel channel, InetAddress peer) {
    if (open.incrementAndGet() > max) {
      open.decrementAndGet();
      return "too many connections: this instance holds its limit of " + max + " (--max-connections)";
    }
    if (peer != null && !exempt.trusts(peer)) {
      int[] count = new int[1];
      perClient.compute(peer, (address, n) -> {
        count[0] = n == null ? 1 : n + 1;
        return count[0] > maxPerClient ? n : Integer.valueOf(count[0]);
      });
      if (count[0] > maxPerClient) {
        open.decrementAndGet();
        return "too many connections from " + peer.getHostAddress() + ": at most " + maxPerClient
            + " per client address (--max-connections-per-client)";
      }
    }
    admitted.put(channel, new Place(peer == null || exempt.trusts(peer) ? null : peer));
    return null;
  }

  /** The connection closed (or never became one): frees its place, once, if it had one. */
  void release(SelectableChannel channel) {
    Place place = admitted.remove(channel);
    if (place == null) {
      return;
    }
    open.decrementAndGet();
    if (place.countedFor() != null) {
      perClient.computeIfPresent(place.countedFor(), (address, n) -> n > 1 ? n - 1 : null);
    }
  }

  int open() {
    return open.get();
  }

  /** An admitted connection's place: the address it counts against, or null when it counts in all only. */
  private record Place(InetAddress countedFor) {}

  private static int automaticMax() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      long files = unix.getMaxFileDescriptorCount();
      return (int) Math.max(1, Math.min(Integer.MAX_VALUE, files - RESERVED_FILES));
    }
    return Integer.MAX_VALUE;
  }
}
