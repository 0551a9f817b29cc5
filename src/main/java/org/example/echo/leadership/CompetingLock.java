package org.example.echo.leadership;

import java.time.Duration;
import org.example.echo.core.LeaderLock;

/**
 * The lock of Consul mode: {@link Leadership} competing with the other instances through a lock service, driven
 * by its loops ({@link LeadershipRunner}).
 */
public final class CompetingLock implements LeaderLock {

  /** Waited beyond the longest lock-service call for the loops to end. */
  private static final Duration LOOP_END_MARGIN = Duration.ofMillis(500);

  private final Leadership leadership;
  private final LeadershipRunner runner;
  private final Duration longestCall;
  private final Runnable closePort;

  /**
   * @param longestCall the most one call of the lock service's client can take before its timeouts fail it
   * @param closePort frees the lock service's client once the instance has left
   */
  public CompetingLock(Leadership leadership, Duration longestCall, Runnable closePort) {
    this.leadership = leadership;
    this.runner = new LeadershipRunner(leadership);
    this.longestCall = longestCall;
    this.closePort = closePort;
  }

  @Override
  public void start() {
    runner.start();
  }

  @Override
  public void release() {
    leadership.releaseForShutdown();
  }

  @Override
  public void leave() throws InterruptedException {
    try {
      // Longer than any call, so a registration in flight cannot land after leave() deregistered.
      runner.stop(longestCall.plus(LOOP_END_MARGIN));
      leadership.leave();
    } finally {
      closePort.run();
    }
  }
}
