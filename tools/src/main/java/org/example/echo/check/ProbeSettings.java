package org.example.echo.check;

import java.net.URI;
import java.time.Duration;

/**
 * How to probe one endpoint.
 *
 * @param uri the ws:// endpoint to probe
 * @param interval time between the starts of two attempts; attempts never overlap, a slow one skips ticks
 * @param attemptTimeout limit for one attempt (connect + upgrade + one echo)
 */
public record ProbeSettings(URI uri, Duration interval, Duration attemptTimeout) {

  public ProbeSettings {
    if (interval.isNegative() || interval.isZero() || attemptTimeout.isNegative() || attemptTimeout.isZero()) {
      throw new IllegalArgumentException("interval and attempt timeout must be positive");
    }
  }
}
