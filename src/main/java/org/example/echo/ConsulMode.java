package org.example.echo;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.example.echo.config.ConsulOptions;
import org.example.echo.consul.ConsulLockPort;
import org.example.echo.leadership.Candidate;
import org.example.echo.leadership.Leadership;
import org.example.echo.leadership.LeadershipRunner;
import org.example.echo.leadership.LeadershipTiming;
import org.example.echo.leadership.TimeSource;
import org.example.echo.process.TerminationSignals;
import org.example.echo.ws.EchoServer;
import org.example.echo.ws.EchoSettings;
import org.example.echo.core.RoleStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default mode: serve only while holding the Consul lock. Order on SIGTERM matters: close the gate and
 * release the lock first (a standby takes over at once), then stop the server (clients get 1001), then
 * deregister and destroy the session.
 */
final class ConsulMode {
  private static final Logger log = LoggerFactory.getLogger(ConsulMode.class);

  private ConsulMode() {}

  static int run(EchoSettings settings, ConsulOptions consul, Duration grace) throws InterruptedException {
    LeadershipTiming timing = consul.timing();
    AtomicReference<Leadership> leadership = new AtomicReference<>();
    RoleStatus starting = new RoleStatus("starting", "unknown", java.time.Instant.now());
    EchoServer server =
        new EchoServer(settings, () -> {
          Leadership l = leadership.get();
          return l == null ? starting : l.status();
        });
    CountDownLatch terminate = new CountDownLatch(1);
    TerminationSignals.onTerminate(terminate::countDown);
    try {
      server.start(); // The gate starts closed: standby answers upgrades with 503.
    } catch (Exception e) {
      log.error("cannot start: {}", e.toString());
      server.shutdown(Duration.ZERO);
      return 1;
    }
    String address = consul.advertiseAddress();
    Candidate self = new Candidate(instanceId(consul.serviceName(), address, server.port()), address, server.port());
    log.info("Consul mode: {} competing for {} at {} (check TTL {} ms, heartbeat {} ms, lock-delay {} ms)",
        self, ConsulLockPort.keyOf(consul.serviceName()), consul.consulUri(), timing.checkTtl().toMillis(),
        timing.heartbeatInterval().toMillis(), timing.lockDelay().toMillis());
    try (ConsulLockPort port =
        ConsulLockPort.connect(consul.consulUri(), consul.aclToken(), consul.serviceName(), self, timing)) {
      Leadership l = new Leadership(port, server.gate(), timing, TimeSource.system(), self);
      leadership.set(l);
      LeadershipRunner runner = new LeadershipRunner(l);
      runner.start();
      terminate.await();
      log.info("shutting down: releasing the lock, then closing {} connection(s) with 1001",
          server.openConnections());
      l.releaseForShutdown();
      try {
        server.closeConnections(grace);
      } finally {
        // Longer than any Consul call, so a registration in flight cannot land after leave() deregistered.
        runner.stop(ConsulLockPort.LONGEST_CALL.plusMillis(500));
        l.leave();
      }
    }
    drain(server, consul.drainTime());
    return 0;
  }

  /**
   * Deregistered, but proxies may still hold our address from DNS for a moment (nginx: 1 s). Answering them
   * with a fast 503 for that long lets them fall through to the new leader at once; a closed port or a vanished
   * container would instead cost them a connect timeout. Then stop listening.
   */
  private static void drain(EchoServer server, Duration drainTime) throws InterruptedException {
    if (!drainTime.isZero()) {
      log.info("draining for {} ms: answering 503 while proxies' cached addresses expire", drainTime.toMillis());
      Thread.sleep(drainTime.toMillis());
    }
    server.stop();
  }

  /**
   * Unique per process start: a restarted instance must not reuse the check id a dead predecessor's session
   * is tied to, or its heartbeats would keep that session (and its lock) alive.
   */
  static String instanceId(String service, String address, int port) {
    byte[] nonce = new byte[4];
    new SecureRandom().nextBytes(nonce);
    return service + "-" + address + "-" + port + "-" + HexFormat.of().formatHex(nonce);
  }
}
