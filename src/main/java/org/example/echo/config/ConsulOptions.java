package org.example.echo.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Collections;
import java.util.Optional;
import org.example.echo.common.DurationConverter;
import org.example.echo.common.InvalidOption;
import org.example.echo.consul.ConsulLease;
import org.example.echo.leadership.LeadershipTiming;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Consul and leadership options (a picocli mixin of Main). Every option has an environment default; the timing
 * defaults are defined in {@link ConsulLease} and {@link LeadershipTiming} and argued in the README ("Why failover
 * is fast and two instances never serve at once").
 */
public final class ConsulOptions {

  /**
   * Default of {@code --drain-time}: nginx re-resolves the leader's DNS name at most 1 s after the last answer
   * ({@code resolver ... valid=1s} in nginx/echo.conf), so after 1 s of 503s no nginx still routes here. Change
   * the two together.
   */
  static final String DEFAULT_DRAIN_TIME = "1s";

  /** Longest {@code --drain-time}: SIGTERM must end the process within 5 s, hand-over and client closes included. */
  static final Duration MAX_DRAIN_TIME = Duration.ofSeconds(3);

  @Option(
      names = "--consul",
      paramLabel = "URL",
      defaultValue = "${env:CONSUL_HTTP_ADDR:-http://127.0.0.1:8500}",
      description = "Consul HTTP address (env CONSUL_HTTP_ADDR; default ${DEFAULT-VALUE}). "
          + "host:port without a scheme means http.")
  String consul;

  @Option(
      names = "--consul-token",
      paramLabel = "TOKEN",
      defaultValue = "${env:CONSUL_HTTP_TOKEN:-}",
      description = "Consul ACL token (env CONSUL_HTTP_TOKEN, preferred over the command line; default none).")
  String token;

  @Option(
      names = "--service-name",
      paramLabel = "NAME",
      defaultValue = "${env:ECHO_SERVICE_NAME:-echo}",
      description = "Consul service name; the lock is service/<NAME>/leader and the holder is tagged "
          + "'leader' (env ECHO_SERVICE_NAME; default ${DEFAULT-VALUE}).")
  String serviceName;

  @Option(
      names = "--advertise-address",
      paramLabel = "IP",
      defaultValue = "${env:ECHO_ADVERTISE_ADDRESS:-}",
      description = "IP address registered in Consul (env ECHO_ADVERTISE_ADDRESS; default: this host's "
          + "first non-loopback IPv4 address).")
  String advertiseAddress;

  @Option(
      names = "--check-ttl",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      defaultValue = "${env:ECHO_CHECK_TTL:-" + ConsulLease.DEFAULT_CHECK_TTL_MILLIS + "ms}",
      description = "TTL of the health check the process passes: a SIGKILLed instance's lock is freed this long "
          + "after its last heartbeat, plus the lock-delay (env ECHO_CHECK_TTL; default ${DEFAULT-VALUE}).")
  Duration checkTtl;

  @Option(
      names = "--heartbeat-interval",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      defaultValue = "${env:ECHO_HEARTBEAT_INTERVAL:-" + LeadershipTiming.DEFAULT_HEARTBEAT_INTERVAL_MILLIS + "ms}",
      description = "How often the check is passed, at most half the TTL "
          + "(env ECHO_HEARTBEAT_INTERVAL; default ${DEFAULT-VALUE}).")
  Duration heartbeatInterval;

  @Option(
      names = "--lock-delay",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      defaultValue = "${env:ECHO_LOCK_DELAY:-" + ConsulLease.DEFAULT_LOCK_DELAY_MILLIS + "ms}",
      description = "Session lock-delay: nobody takes the lock this long after Consul invalidated a session; a "
          + "leader serves at most this (less a margin) past its last accepted heartbeat "
          + "(env ECHO_LOCK_DELAY; default ${DEFAULT-VALUE}).")
  Duration lockDelay;

  @Option(
      names = "--gossip-suspicion-min",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      defaultValue = "${env:ECHO_GOSSIP_SUSPICION_MIN:-" + ConsulLease.DEFAULT_GOSSIP_SUSPICION_MIN_MILLIS + "ms}",
      description = "The shortest time Consul's LAN gossip takes to declare a silent node failed: "
          + "gossip_lan suspicion_mult x probe_interval of every agent (they must agree; the local agent's is "
          + "used if shorter). A leader serves at most this plus the lock-delay (less a margin) past its last "
          + "confirmation (env ECHO_GOSSIP_SUSPICION_MIN; default ${DEFAULT-VALUE}).")
  Duration gossipSuspicionMin;

  @Option(
      names = "--confirm-interval",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      defaultValue = "${env:ECHO_CONFIRM_INTERVAL:-" + LeadershipTiming.DEFAULT_CONFIRM_INTERVAL_MILLIS + "ms}",
      description = "How often the holder confirms the lock with a consistent read "
          + "(env ECHO_CONFIRM_INTERVAL; default ${DEFAULT-VALUE}).")
  Duration confirmInterval;

  @Option(
      names = "--drain-time",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      defaultValue = "${env:ECHO_DRAIN_TIME:-" + DEFAULT_DRAIN_TIME + "}",
      description = "On SIGTERM, after handing over and deregistering, keep answering 503 this long before "
          + "closing the port, so proxies with a cached address fall through to the new leader at once; "
          + "match the proxy's DNS validity (env ECHO_DRAIN_TIME; default ${DEFAULT-VALUE}).")
  Duration drainTime;

  @Option(
      names = "--consul-retry-max",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      defaultValue = "${env:ECHO_CONSUL_RETRY_MAX:-" + LeadershipTiming.DEFAULT_RETRY_MAX_SECONDS + "s}",
      description = "Cap of the back-off (from " + LeadershipTiming.RETRY_MIN_MILLIS + "ms, doubling) while Consul "
          + "is unreachable (env ECHO_CONSUL_RETRY_MAX; default ${DEFAULT-VALUE}).")
  Duration retryMax;

  /** Bad URLs and unsafe timing become a one-line usage error (exit status 2), like the server options. */
  public void validate(CommandLine commandLine) {
    try {
      URI u = consulUri();
      if (u.getHost() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))) {
        throw new IllegalArgumentException("need http://host:port");
      }
    } catch (IllegalArgumentException e) {
      throw InvalidOption.of(commandLine, "--consul", "'" + consul + "' is not a Consul URL (" + e.getMessage() + ")");
    }
    if (serviceName.isBlank() || !serviceName.matches("[A-Za-z0-9-]+")) {
      throw InvalidOption.of(commandLine, "--service-name",
          "'" + serviceName + "' must be letters, digits and dashes (it is a DNS label)");
    }
    if (drainTime.isNegative() || drainTime.compareTo(MAX_DRAIN_TIME) > 0) {
      throw InvalidOption.of(commandLine, "--drain-time", "'" + DurationConverter.format(drainTime) + "' must be 0 to "
          + DurationConverter.format(MAX_DRAIN_TIME) + " (SIGTERM must end the process within 5 s)");
    }
    validateTiming(commandLine);
  }

  /**
   * Unsafe or unworkable timing, each a one-line error naming the option: a check that could expire between two
   * heartbeats, a serving window too short to survive one late heartbeat or confirmation.
   */
  private void validateTiming(CommandLine commandLine) {
    if (checkTtl.isZero() || checkTtl.isNegative()) {
      throw InvalidOption.of(commandLine, "--check-ttl", "'" + DurationConverter.format(checkTtl) + "' must be positive");
    }
    if (heartbeatInterval.isZero() || heartbeatInterval.multipliedBy(2).compareTo(checkTtl) > 0) {
      throw InvalidOption.of(commandLine, "--heartbeat-interval", "'" + DurationConverter.format(heartbeatInterval)
          + "' must be positive and at most half --check-ttl (" + DurationConverter.format(checkTtl) + ")");
    }
    if (lockDelay.compareTo(ConsulLease.MAX_LOCK_DELAY) > 0) {
      throw InvalidOption.of(commandLine, "--lock-delay", "'" + DurationConverter.format(lockDelay)
          + "' is more than Consul allows (" + DurationConverter.format(ConsulLease.MAX_LOCK_DELAY) + ")");
    }
    Duration afterHeartbeat = LeadershipTiming.servingWindow(lockDelay);
    if (afterHeartbeat.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
      throw InvalidOption.of(commandLine, "--lock-delay", "'" + DurationConverter.format(lockDelay)
          + "' lets a leader serve " + afterHeartbeat.toMillis() + " ms past its last heartbeat, less than two"
          + " heartbeat intervals (2 x --heartbeat-interval = " + heartbeatInterval.multipliedBy(2).toMillis()
          + " ms)");
    }
    Duration afterConfirm = LeadershipTiming.servingWindow(gossipSuspicionMin.plus(lockDelay));
    if (confirmInterval.isZero() || confirmInterval.multipliedBy(2).compareTo(afterConfirm) > 0) {
      throw InvalidOption.of(commandLine, "--confirm-interval", "'" + DurationConverter.format(confirmInterval)
          + "' must be positive and at most half of what a leader serves past its last confirmation ("
          + afterConfirm.toMillis() + " ms: --gossip-suspicion-min + --lock-delay, less the margin)");
    }
  }

  public URI consulUri() {
    String c = consul.trim();
    return URI.create(c.contains("://") ? c : "http://" + c);
  }

  public Duration drainTime() {
    return drainTime;
  }

  public Optional<String> aclToken() {
    return Optional.ofNullable(token).filter(t -> !t.isBlank());
  }

  public String serviceName() {
    return serviceName;
  }

  /** The configured address, or this host's first non-loopback IPv4 address. */
  public String advertiseAddress() {
    if (advertiseAddress != null && !advertiseAddress.isBlank()) {
      return advertiseAddress.trim();
    }
    return detectAddress();
  }

  public LeadershipTiming timing() {
    return LeadershipTiming.of(heartbeatInterval, confirmInterval, retryMax);
  }

  public ConsulLease lease() {
    return new ConsulLease(checkTtl, lockDelay, gossipSuspicionMin);
  }

  static String detectAddress() {
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nic.isUp() || nic.isLoopback()) {
          continue;
        }
        for (InetAddress a : Collections.list(nic.getInetAddresses())) {
          if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
            return a.getHostAddress();
          }
        }
      }
      return InetAddress.getLocalHost().getHostAddress();
    } catch (SocketException | UnknownHostException e) {
      return "127.0.0.1";
    }
  }
}
