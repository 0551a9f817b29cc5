package org.example.echo;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import org.example.echo.process.TerminationSignals;
import org.example.echo.ws.EchoServer;
import org.example.echo.ws.EchoSettings;
import org.example.echo.core.RoleStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code --standalone}: serve at once, without Consul and without failover, until SIGTERM. */
final class StandaloneMode {

  private static final Logger log = LoggerFactory.getLogger(StandaloneMode.class);

  private StandaloneMode() {}

  static int run(EchoSettings settings, Duration shutdownGrace) throws InterruptedException {
    Instant started = Instant.now();
    EchoServer server = new EchoServer(settings, () -> RoleStatus.standalone(started));
    CountDownLatch terminate = new CountDownLatch(1);
    TerminationSignals.onTerminate(terminate::countDown);
    try {
      server.start();
    } catch (Exception e) {
      log.error("cannot start: {}", e.toString());
      server.shutdown(Duration.ZERO);
      return 1;
    }
    server.gate().open();
    terminate.await();
    log.info("shutting down: closing {} connection(s) with 1001", server.openConnections());
    server.shutdown(shutdownGrace);
    return 0;
  }
}
