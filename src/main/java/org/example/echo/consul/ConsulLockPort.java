package org.example.echo.consul;

import java.math.BigInteger;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.example.echo.leadership.Candidate;
import org.example.echo.leadership.KeyState;
import org.example.echo.leadership.LeaseTerms;
import org.example.echo.leadership.LockPort;
import org.example.echo.leadership.LockPortException;
import org.example.echo.leadership.LockPortException.Kind;
import org.kiwiproject.consul.Consul;
import org.kiwiproject.consul.ConsulException;
import org.kiwiproject.consul.NotRegisteredException;
import org.kiwiproject.consul.model.ConsulResponse;
import org.kiwiproject.consul.model.agent.ImmutableRegCheck;
import org.kiwiproject.consul.model.agent.ImmutableRegistration;
import org.kiwiproject.consul.model.kv.Value;
import org.kiwiproject.consul.model.session.ImmutableSession;
import org.kiwiproject.consul.option.ConsistencyMode;
import org.kiwiproject.consul.option.ImmutableQueryOptions;
import org.kiwiproject.consul.option.Options;
import org.kiwiproject.consul.option.QueryOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LockPort} on Consul (kiwiproject consul-client): the service registration with a TTL check (the
 * keep-alive, with the {@code leader} tag on the holder), a session tied to that check and to the node's
 * {@code serfHealth}, and the KV lock {@code service/<name>/leader}. Confirmations are {@code ?consistent} reads.
 */
public final class ConsulLockPort implements LockPort, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConsulLockPort.class);

  /** Tag on the holder's registration, so {@code leader.<name>.service.consul} resolves to it alone. */
  public static final String LEADER_TAG = "leader";

  private static final String SERF_HEALTH = "serfHealth";
  private static final long CONNECT_TIMEOUT_MS = 500;
  private static final long CALL_TIMEOUT_MS = 1000;
  /**
   * A consistent read waits for a raft leader (Consul holds it up to 7 s during an election, re-checking every
   * ~0.4 s); our timeout ends it and the confirm loop sends a fresh one. Not shorter than ordinary calls: a slow
   * but working Consul must still confirm.
   */
  private static final long CONFIRM_TIMEOUT_MS = CALL_TIMEOUT_MS;

  /**
   * A re-registration that moves the leader tag runs between two heartbeats (200 ms apart, TTL 800 ms): it must
   * not hold the next one up. Consul 1.8 agents were seen to take over a second while the servers had no leader.
   */
  private static final long RETAG_TIMEOUT_MS = 250;

  /** Longest a non-blocking call can take before its timeouts fail it: connect, write, read. */
  public static final Duration LONGEST_CALL = Duration.ofMillis(CONNECT_TIMEOUT_MS + 2 * CALL_TIMEOUT_MS);

  private final Consul calls;
  private final Consul blocking;
  private final Consul confirming;
  private final Consul tagging;
  private final String serviceName;
  private final Candidate self;
  private final String checkId;
  private final String key;
  private final AgentRegistration registration;
  private volatile ConsulLease lease;

  /**
   * Four clients: short timeouts for everything but blocking reads, so a hung Consul does not stall the
   * keep-alive for long; a long read timeout (wait + margin) for blocking reads; one of their own for
   * confirmations, so a consistent read held through an election never queues behind or in front of a heartbeat;
   * and a very short one for moving the leader tag.
   */
  public static ConsulLockPort connect(URI consul, Optional<String> aclToken, String serviceName, Candidate self,
      ConsulLease lease, Duration blockingWait) {
    long blockingReadMs = blockingWait.toMillis() * 2 + CALL_TIMEOUT_MS;
    return new ConsulLockPort(
        client(consul, aclToken, CALL_TIMEOUT_MS),
        client(consul, aclToken, blockingReadMs),
        client(consul, aclToken, CONFIRM_TIMEOUT_MS),
        client(consul, aclToken, RETAG_TIMEOUT_MS),
        serviceName,
        self,
        lease);
  }

  private static Consul client(URI consul, Optional<String> aclToken, long readTimeoutMs) {
    URL url;
    try {
      url = consul.toURL();
    } catch (java.net.MalformedURLException | IllegalArgumentException e) {
      throw new IllegalArgumentException("not a Consul URL: " + consul, e);
    }
    Consul.Builder b =
        Consul.builder()
            .withUrl(url)
            .withPing(false) // Consul may be down at start; leadership retries.
            .withConnectTimeoutMillis(CONNECT_TIMEOUT_MS)
            .withReadTimeoutMillis(readTimeoutMs)
            .withWriteTimeoutMillis(CALL_TIMEOUT_MS);
    aclToken.filter(t -> !t.isBlank()).ifPresent(b::withAclToken);
    return b.build();
  }

  ConsulLockPort(Consul calls, Consul blocking, Consul confirming, Consul tagging, String serviceName,
      Candidate self, ConsulLease lease) {
    this.calls = calls;
    this.blocking = blocking;
    this.confirming = confirming;
    this.tagging = tagging;
    this.serviceName = serviceName;
    this.self = self;
    this.lease = lease;
    this.checkId = checkIdOf(self.id());
    this.key = keyOf(serviceName);
    this.registration = new AgentRegistration(new Agent(), self.id(), this::adoptAgentGossip);
  }

  public static String keyOf(String serviceName) {
    return "service/" + serviceName + "/leader";
  }

  public static String checkIdOf(String serviceId) {
    return serviceId + ":ttl";
  }

  @Override
  public LeaseTerms terms() {
    return lease.terms();
  }

  /** The settings in force: the configured ones, with the agent's gossip timing if that is faster. */
  public ConsulLease lease() {
    return lease;
  }

  @Override
  public void keepAlive(boolean serving) throws LockPortException {
    registration.keepAlive(serving);
  }

  /** The agent calls behind {@link AgentRegistration}. */
  private final class Agent implements AgentRegistration.Agent {
    @Override
    public void register(boolean leaderTag) throws LockPortException {
      register(calls, leaderTag);
    }

    @Override
    public void retag(boolean leaderTag) throws LockPortException {
      register(tagging, leaderTag);
    }

    private void register(Consul client, boolean leaderTag) throws LockPortException {
      // Registered passing: a re-registration (tag change) must not turn the check critical, which would
      // invalidate the session tied to it. Critical checks get reaped after a minute (SIGKILLed instances).
      ImmutableRegistration.Builder reg =
          ImmutableRegistration.builder()
              .id(self.id())
              .name(serviceName)
              .address(self.address())
              .port(self.port())
              .check(
                  ImmutableRegCheck.builder()
                      .id(checkId)
                      .name("echo lease heartbeat")
                      .ttl(millis(lease.checkTtl()))
                      .status("passing")
                      .deregisterCriticalServiceAfter("1m")
                      .build());
      if (leaderTag) {
        reg.addTags(LEADER_TAG);
      }
      try {
        client.agentClient().register(reg.build());
      } catch (ConsulException e) {
        throw translate("register " + self.id(), e);
      }
    }

    @Override
    public void pass() throws LockPortException {
      try {
        calls.agentClient().passCheck(checkId);
      } catch (NotRegisteredException e) {
        // consul-client wraps every failure here; look at what Consul said.
        if (e.getCause() instanceof ConsulException ce) {
          throw translate("pass check " + checkId, ce);
        }
        throw new LockPortException(Kind.UNAVAILABLE, "pass check " + checkId + ": " + e.getMessage(), e);
      } catch (ConsulException e) {
        throw translate("pass check " + checkId, e);
      }
    }

    @Override
    public void deregister() throws LockPortException {
      try {
        calls.agentClient().deregister(self.id());
      } catch (ConsulException e) {
        throw translate("deregister " + self.id(), e);
      }
    }
  }

  /**
   * The bound counts on every agent's gossip being at least as slow as {@code --gossip-suspicion-min}. Our own
   * agent can tell its settings (1.8: {@code DebugConfig}); if they are faster, the shorter value is used.
   */
  private void adoptAgentGossip() {
    Optional<Duration> agents;
    try {
      agents = suspicionMinOf(calls.agentClient().getAgent().getDebugConfig());
    } catch (RuntimeException e) { // ConsulException, or an agent without DebugConfig
      log.info("could not read the agent's gossip settings, counting on --gossip-suspicion-min {} ms: {}",
          lease.gossipSuspicionMin().toMillis(), e.getMessage());
      return;
    }
    if (agents.isEmpty()) {
      log.info("the agent does not report its gossip settings; counting on --gossip-suspicion-min {} ms",
          lease.gossipSuspicionMin().toMillis());
      return;
    }
    ConsulLease before = lease;
    lease = before.atMostSuspicion(agents.get());
    if (!lease.equals(before)) {
      log.warn("the local agent's gossip declares a node failed after {} ms, sooner than --gossip-suspicion-min"
          + " {} ms: using {} ms (all agents must share one gossip_lan setting)", agents.get().toMillis(),
          before.gossipSuspicionMin().toMillis(), agents.get().toMillis());
    } else {
      log.info("the local agent's gossip declares a node failed after {} ms at the earliest"
          + " (--gossip-suspicion-min {} ms)", agents.get().toMillis(), before.gossipSuspicionMin().toMillis());
    }
  }

  /** {@code GossipLANSuspicionMult × GossipLANProbeInterval} from an agent's DebugConfig, if both are there. */
  static Optional<Duration> suspicionMinOf(Map<String, Object> debugConfig) {
    if (debugConfig == null) {
      return Optional.empty();
    }
    Object mult = debugConfig.get("GossipLANSuspicionMult");
    Optional<Duration> probe = goDuration(String.valueOf(debugConfig.get("GossipLANProbeInterval")));
    if (!(mult instanceof Number n) || probe.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(probe.get().multipliedBy(n.longValue()));
  }

  private static final Pattern GO_DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

  /** A Go duration as Consul prints it: {@code 200ms}, {@code 1s}, {@code 1m30s}, {@code 1.5s}. */
  static Optional<Duration> goDuration(String text) {
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    Matcher m = GO_DURATION_PART.matcher(text.trim());
    double nanos = 0;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        return Optional.empty();
      }
      end = m.end();
      double v = Double.parseDouble(m.group(1));
      nanos += v * switch (m.group(2)) {
        case "ns" -> 1;
        case "us", "µs" -> 1e3;
        case "ms" -> 1e6;
        case "s" -> 1e9;
        case "m" -> 60e9;
        default -> 3600e9;
      };
    }
    return end == text.trim().length() && end > 0 ? Optional.of(Duration.ofNanos((long) nanos)) : Optional.empty();
  }

  @Override
  public String createSession() throws LockPortException {
    ImmutableSession session =
        ImmutableSession.builder()
            .name(self.id())
            .addChecks(SERF_HEALTH, checkId)
            .behavior("release")
            .lockDelay(millis(lease.lockDelay()))
            .build();
    try {
      return calls.sessionClient().createSession(session).getId();
    } catch (ConsulException e) {
      throw translate("create session", e);
    }
  }

  @Override
  public boolean sessionAlive(String session) throws LockPortException {
    try {
      return calls.sessionClient().getSessionInfo(session).isPresent();
    } catch (ConsulException e) {
      throw translate("session info", e);
    }
  }

  @Override
  public boolean acquire(String session, String value) throws LockPortException {
    try {
      return calls.keyValueClient().acquireLock(key, value, session);
    } catch (ConsulException e) {
      throw translate("acquire " + key, e);
    }
  }

  @Override
  public KeyState watch(long index, Duration wait) throws LockPortException {
    QueryOptions options =
        index <= 0
            ? Options.BLANK_QUERY_OPTIONS
            : QueryOptions.blockSeconds((int) Math.max(1, wait.toSeconds()), BigInteger.valueOf(index)).build();
    return read(index <= 0 ? calls : blocking, options, "read " + key);
  }

  @Override
  public KeyState confirm() throws LockPortException {
    return read(confirming, ImmutableQueryOptions.builder().consistencyMode(ConsistencyMode.CONSISTENT).build(),
        "confirm " + key);
  }

  private KeyState read(Consul client, QueryOptions options, String what) throws LockPortException {
    ConsulResponse<List<Value>> response;
    try {
      // The recursive form answers a missing key with 404 *and* the index to block on; the single-key
      // form of consul-client drops the index.
      response = client.keyValueClient().getConsulResponseWithValues(key, options);
    } catch (ConsulException e) {
      throw translate(what, e);
    }
    long at = blockingIndex(response.getIndex());
    List<Value> values = response.getResponse() == null ? List.of() : response.getResponse();
    return values.stream()
        .filter(v -> v.getKey().equals(key))
        .findFirst()
        .map(v -> new KeyState(at, true, v.getSession(), v.getValueAsString().orElse("")))
        .orElseGet(() -> KeyState.absent(at));
  }

  @Override
  public void release(String session, String value) throws LockPortException {
    try {
      calls.keyValueClient().releaseLock(key, value, session);
    } catch (ConsulException e) {
      throw translate("release " + key, e);
    }
  }

  @Override
  public void destroySession(String session) throws LockPortException {
    try {
      calls.sessionClient().destroySession(session);
    } catch (ConsulException e) {
      throw translate("destroy session", e);
    }
  }

  @Override
  public void leave() throws LockPortException {
    registration.leave();
  }

  @Override
  public void close() {
    calls.destroy();
    blocking.destroy();
    confirming.destroy();
    tagging.destroy();
  }

  /**
   * The index to block on next. Consul's advice: reset one that is missing or not positive to 1, or every
   * following read returns at once and the watch loop spins.
   */
  static long blockingIndex(BigInteger header) {
    long index = header == null ? 0 : header.longValue();
    return index > 0 ? index : 1;
  }

  /** Consul answers an unknown check with 404 (newer) or 500 "does not have associated TTL" (1.8). */
  static LockPortException translate(String what, ConsulException e) {
    String message = String.valueOf(e.getMessage());
    String lower = message.toLowerCase(Locale.ROOT);
    Kind kind;
    if (lower.contains("invalid session")) {
      kind = Kind.SESSION_INVALID;
    } else if (lower.contains("does not have associated ttl")
        || lower.contains("unknown check")
        || lower.contains("unknown service")
        || (e.hasCode() && e.getCode() == 404)) {
      kind = Kind.NOT_REGISTERED;
    } else {
      kind = Kind.UNAVAILABLE;
    }
    return new LockPortException(kind, what + ": " + oneLine(message), e);
  }

  private static String oneLine(String s) {
    String flat = s.replaceAll("\\s+", " ").trim();
    return flat.length() > 300 ? flat.substring(0, 300) + "…" : flat;
  }

  private static String millis(Duration d) {
    return d.toMillis() + "ms";
  }
}
