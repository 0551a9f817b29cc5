package org.example.echo;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import org.example.echo.config.ConsulOptions;
import org.example.echo.consul.ConsulLease;
import org.example.echo.consul.ConsulLockPort;
import org.example.echo.core.CurrentRole;
import org.example.echo.core.LeaderLock;
import org.example.echo.core.TrafficGate;
import org.example.echo.leadership.Candidate;
import org.example.echo.leadership.CompetingLock;
import org.example.echo.leadership.Leadership;
import org.example.echo.leadership.LeadershipTiming;
import org.example.echo.leadership.LockPort;
import org.example.echo.leadership.TimeSource;
import org.example.echo.metrics.ServiceMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Consul mode's lock with its real adapters: Leadership over Consul (consul-client), on the system clock. */
final class ConsulLocks implements EchoService.LockFactory {

  private static final Logger log = LoggerFactory.getLogger(ConsulLocks.class);

  private final ConsulOptions consul;
  private final ServiceMetrics metrics;

  ConsulLocks(ConsulOptions consul, ServiceMetrics metrics) {
    this.consul = consul;
    this.metrics = metrics;
  }

  @Override
  public LeaderLock open(TrafficGate gate, CurrentRole role, int port) {
    LeadershipTiming timing = consul.timing();
    ConsulLease lease = consul.lease();
    String address = consul.advertiseAddress();
    Candidate self = new Candidate(instanceId(consul.serviceName(), address, port), address, port);
    log.info("Consul mode: {} competing for {} at {} (check TTL {} ms, heartbeat {} ms, lock-delay {} ms, "
            + "gossip suspicion >= {} ms, confirm every {} ms)",
        self, ConsulLockPort.keyOf(consul.serviceName()), consul.consulUri(), lease.checkTtl().toMillis(),
        timing.heartbeatInterval().toMillis(), lease.lockDelay().toMillis(), lease.gossipSuspicionMin().toMillis(),
        timing.confirmInterval().toMillis());
    ConsulLockPort lockPort = ConsulLockPort.connect(
        consul.consulUri(), consul.aclToken(), consul.serviceName(), self, lease, timing.blockingWait());
    // terms() reads the adapter's settings, it is no call to Consul.
    LockPort timed = metrics.timeConsulCalls(LockPort.class, lockPort, Set.of("terms"));
    Leadership leadership = new Leadership(timed, gate, role, timing, TimeSource.system(), self);
    metrics.lockConfirmationAge(leadership::sinceConfirmed);
    metrics.lockKeepAliveAge(leadership::sinceKeptAlive);
    return new CompetingLock(leadership, ConsulLockPort.LONGEST_CALL, lockPort::close);
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
