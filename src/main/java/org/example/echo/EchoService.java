package org.example.echo;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import org.example.echo.cluster.ClusterView;
import org.example.echo.config.ConsulOptions;
import org.example.echo.consul.ConsulInstanceDirectory;
import org.example.echo.core.CurrentRole;
import org.example.echo.core.InstanceDirectory;
import org.example.echo.core.LeaderLock;
import org.example.echo.core.RoleStatus;
import org.example.echo.core.TrafficGate;
import org.example.echo.leadership.AlwaysLeader;
import org.example.echo.metrics.ServiceMetrics;
import org.example.echo.process.ShutdownBudget;
import org.example.echo.process.TerminationSignals;
import org.example.echo.ws.EchoServer;
import org.example.echo.ws.EchoSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service built from its parts: the WebSocket transport, and the lock that decides when it serves. Consul
 * mode and {@code --standalone} are this same service with a different lock; component tests build it with
 * test adapters. It is the one place that starts the parts and stops them in order.
 *
 * <p>SIGTERM order: release the lock first (the gate closes, a standby takes over at once), then close the
 * clients with 1001, then leave the lock service (deregister, destroy the session), then keep answering 503 for
 * the drain time so proxies with our address cached fall through to the new leader, then stop listening.
 */
public final class EchoService {

  private static final Logger log = LoggerFactory.getLogger(EchoService.class);

  /** How long the clients get to close on SIGTERM, at most; less when the budget is short. */
  static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(3);
  /**
   * The whole SIGTERM path, from the signal to the end of {@link #stop()}: within the 5 s promised, with room
   * for the JVM's own exit (shutdown hooks, the log flushed).
   */
  static final Duration STOP_BUDGET = Duration.ofMillis(4_500);
  /** Kept for leaving the lock service and for stopping Jetty, when the steps before them take their share. */
  static final Duration LEAVE_RESERVE = Duration.ofMillis(500);
  static final Duration JETTY_STOP_RESERVE = Duration.ofMillis(500);
  /** The most a release of the lock may take before the clients are closed anyway. */
  static final Duration RELEASE_MAX = Duration.ofSeconds(1);

  /** Builds the lock once the server listens: a lock service must be told the port this instance serves on. */
  @FunctionalInterface
  public interface LockFactory {
    LeaderLock open(TrafficGate gate, CurrentRole role, int port);
  }

  private final EchoServer server;
  private final CurrentRole role = new CurrentRole(RoleStatus.starting(Instant.now()));
  private final LockFactory locks;
  private final Duration drainTime;
  private LeaderLock lock;

  /** {@code drainTime}: how long to answer 503 after leaving the lock service, before the port closes. */
  public EchoService(EchoSettings settings, LockFactory locks, Duration drainTime) {
    this(settings, locks, drainTime, new ServiceMetrics(), ClusterView.of("echo", InstanceDirectory.none()));
  }

  /** {@code metrics}: what the parts record into and {@code /metrics} shows; {@code cluster}: {@code /cluster}. */
  public EchoService(
      EchoSettings settings, LockFactory locks, Duration drainTime, ServiceMetrics metrics, ClusterView cluster) {
    this.server = new EchoServer(settings, role::get, metrics, cluster);
    this.locks = locks;
    this.drainTime = drainTime;
    metrics.watchRole(role);
  }

  /** {@code --standalone}: always the leader, and no proxy follows a lock holder, so no drain. */
  public static EchoService standalone(EchoSettings settings) {
    return new EchoService(settings, (gate, role, port) -> new AlwaysLeader(gate, role), Duration.ZERO,
        ServiceMetrics.forProcess(), ClusterView.of("standalone", InstanceDirectory.none()));
  }

  /** The default mode: serves only while it holds the Consul lock. */
  public static EchoService consul(EchoSettings settings, ConsulOptions consul) {
    ServiceMetrics metrics = ServiceMetrics.forProcess();
    InstanceDirectory directory = metrics.timeConsulCalls(InstanceDirectory.class,
        ConsulInstanceDirectory.connect(consul.consulUri(), consul.aclToken(), consul.serviceName()));
    return new EchoService(settings, new ConsulLocks(consul, metrics), consul.drainTime(), metrics,
        ClusterView.of(consul.serviceName(), directory));
  }

  /** Serves until SIGTERM or SIGINT, then stops in order; returns the exit status. */
  public int run() throws InterruptedException {
    CountDownLatch terminate = new CountDownLatch(1);
    TerminationSignals.onTerminate(terminate::countDown);
    if (!start()) {
      return 1;
    }
    terminate.await();
    stop();
    return 0;
  }

  /**
   * Starts listening with the gate closed (upgrades get 503), then the lock, which opens the gate when it holds.
   * False, with everything stopped again, when the server or the lock cannot start.
   */
  public boolean start() {
    try {
      server.start();
      lock = locks.open(server.gate(), role, server.port());
    } catch (Exception e) {
      log.error("cannot start: {}", e.toString());
      server.shutdown(Duration.ZERO);
      return false;
    }
    lock.start();
    return true;
  }

  /**
   * The SIGTERM path, after {@link #start()} succeeded; see the class comment for the order. Bounded by
   * {@link #STOP_BUDGET} by construction: every step gets a share of what is left (ShutdownBudget).
   */
  public void stop() throws InterruptedException {
    ShutdownBudget budget = ShutdownBudget.of(STOP_BUDGET);
    Duration afterClose = drainTime.plus(LEAVE_RESERVE).plus(JETTY_STOP_RESERVE);
    log.info("shutting down: stepping down, then closing {} connection(s) with 1001", server.openConnections());
    budget.run("release the lock", budget.share(RELEASE_MAX, afterClose), lock::release);
    try {
      server.closeConnections(budget.share(SHUTDOWN_GRACE, afterClose));
    } finally {
      budget.run("leave the lock service", budget.share(STOP_BUDGET, drainTime.plus(JETTY_STOP_RESERVE)),
          lock::leave);
    }
    drain(budget.share(drainTime, JETTY_STOP_RESERVE));
    Duration stopping = budget.left();
    budget.run("stop Jetty", stopping, () -> server.stop(stopping));
  }

  /** How long {@link #stop()} answers 503 after leaving the lock service. */
  Duration drainTime() {
    return drainTime;
  }

  /** The port the server listens on, once started (the configured one, or the free one picked for port 0). */
  public int port() {
    return server.port();
  }

  /**
   * Left the lock service, but proxies may still hold our address from DNS for a moment (nginx: 1 s). A fast 503
   * for that long lets them fall through to the new leader at once; a closed port or a vanished container would
   * cost them a connect timeout instead.
   */
  private void drain(Duration time) throws InterruptedException {
    if (!time.isZero()) {
      log.info("draining for {} ms: answering 503 while proxies' cached addresses expire", time.toMillis());
      Thread.sleep(time.toMillis());
    }
  }
}
