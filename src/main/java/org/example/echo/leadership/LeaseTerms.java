package org.example.echo.leadership;

import java.time.Duration;

/**
 * What the lock service promises about its locks, in the terms the serving deadline is derived from. The adapter
 * states them (for Consul: {@code consul.ConsulLease}, argued in the README); leadership takes a margin off each.
 *
 * @param keepAliveExpiry a keep-alive answered this long or longer after the previous accepted one was sent may
 *     have come too late: the lock service may already be dropping us (Consul: the check TTL)
 * @param holdAfterKeepAlive nobody else can acquire the lock sooner than this after the send time of the last
 *     keep-alive the service accepted, in a chain without such a gap (Consul: the lock-delay)
 * @param holdAfterConfirm nobody else can acquire the lock sooner than this after the send time of a confirmation
 *     that showed our session holding it (Consul: gossip suspicion minimum + lock-delay)
 */
public record LeaseTerms(Duration keepAliveExpiry, Duration holdAfterKeepAlive, Duration holdAfterConfirm) {

  public LeaseTerms {
    if (keepAliveExpiry.isNegative() || keepAliveExpiry.isZero()
        || holdAfterKeepAlive.isNegative() || holdAfterConfirm.isNegative()) {
      throw new IllegalArgumentException("lease terms must be positive: " + keepAliveExpiry + ", "
          + holdAfterKeepAlive + ", " + holdAfterConfirm);
    }
  }

  /** The longest any holder can have served after its last contact: how old a new session must be to open. */
  public Duration longestHold() {
    return holdAfterKeepAlive.compareTo(holdAfterConfirm) > 0 ? holdAfterKeepAlive : holdAfterConfirm;
  }
}
