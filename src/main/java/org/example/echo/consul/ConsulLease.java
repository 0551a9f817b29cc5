package org.example.echo.consul;

import java.time.Duration;
import org.example.echo.leadership.LeaseTerms;

/**
 * The Consul settings the lease argument rests on, with their defaults (ConsulOptions' picocli defaults read
 * these), and the promises they give ({@link #terms()}). The argument is in the README ("Why failover is fast and
 * two instances never serve at once").
 *
 * @param checkTtl TTL of the health check the process passes; a pass answered this long after the previous one was
 *     sent may have come after the check went critical
 * @param lockDelay session lock-delay: after Consul invalidates a session, nobody can take its locks for this long
 * @param gossipSuspicionMin the shortest time the cluster's LAN gossip (serf) takes to declare a node failed once
 *     it stops answering: {@code suspicion_mult × probe_interval} of {@code gossip_lan} (times {@code log10(nodes)}
 *     from ten nodes on, which only makes it longer). Every agent must use settings at least this slow.
 */
public record ConsulLease(Duration checkTtl, Duration lockDelay, Duration gossipSuspicionMin) {

  public static final int DEFAULT_CHECK_TTL_MILLIS = 800;
  public static final int DEFAULT_LOCK_DELAY_MILLIS = 1000;
  /** {@code probe_interval = 200ms × suspicion_mult = 3} (consul/gossip-fast.hcl of the cluster stack). */
  public static final int DEFAULT_GOSSIP_SUSPICION_MIN_MILLIS = 600;

  /** Consul's largest lock-delay. */
  public static final Duration MAX_LOCK_DELAY = Duration.ofSeconds(60);

  public static ConsulLease defaults() {
    return new ConsulLease(
        Duration.ofMillis(DEFAULT_CHECK_TTL_MILLIS),
        Duration.ofMillis(DEFAULT_LOCK_DELAY_MILLIS),
        Duration.ofMillis(DEFAULT_GOSSIP_SUSPICION_MIN_MILLIS));
  }

  public ConsulLease {
    if (checkTtl.isNegative() || checkTtl.isZero() || lockDelay.isNegative() || gossipSuspicionMin.isNegative()) {
      throw new IllegalArgumentException("check TTL must be positive, lock-delay and suspicion not negative");
    }
  }

  /**
   * With a session on {@code [serfHealth, our TTL check]}, behavior release, the lock-delay:
   *
   * <ul>
   *   <li>after a pass of the check sent at t_h and accepted, Consul can drop the check (agent restarted without its
   *       state) at t_h at the earliest, let it go critical at t_h + TTL, so nobody can acquire before
   *       t_h + lock-delay;
   *   <li>after a linearizable read sent at t_c showed our session holding the key, serf cannot declare our node
   *       failed before t_c + suspicion minimum (we were in touch with the raft leader at t_c), so nobody can
   *       acquire before t_c + suspicion minimum + lock-delay.
   * </ul>
   */
  public LeaseTerms terms() {
    return new LeaseTerms(checkTtl, lockDelay, gossipSuspicionMin.plus(lockDelay));
  }

  /** These settings with the suspicion minimum lowered to what the agent reports, if that is shorter. */
  public ConsulLease atMostSuspicion(Duration agents) {
    return agents.compareTo(gossipSuspicionMin) < 0 ? new ConsulLease(checkTtl, lockDelay, agents) : this;
  }
}
