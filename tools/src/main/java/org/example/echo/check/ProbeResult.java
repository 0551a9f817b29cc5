package org.example.echo.check;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What a probe saw.
 *
 * @param attempts attempts made
 * @param failedAttempts attempts that failed
 * @param outages every outage, in order; the last may be {@linkplain Outage#ongoing() ongoing}
 */
public record ProbeResult(int attempts, int failedAttempts, List<Outage> outages) {

  public ProbeResult {
    outages = List.copyOf(outages);
  }

  public Optional<Outage> longest() {
    return outages.stream().max(Comparator.comparing(Outage::length));
  }
}
