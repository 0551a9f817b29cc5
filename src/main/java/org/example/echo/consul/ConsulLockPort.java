package org.example.echo.consul;

import java.math.BigInteger;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.example.echo.leadership.Candidate;
import org.example.echo.leadership.KeyState;
import org.example.echo.leadership.LeadershipTiming;
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
import org.kiwiproject.consul.option.Options;
import org.kiwiproject.consul.option.QueryOptions;

/**
 * {@link LockPort} on Consul (kiwiproject consul-client): the service registration with a TTL check, a session
 * tied to that check, and the KV lock {@code service/<name>/leader}.
 */
public final class ConsulLockPort implements LockPort, AutoCloseable {
  /** Tag on the holder's registration, so {@code leader.<name>.service.consul} resolves to it alone. */
  public static final String LEADER_TAG = "leader";

  private static final String SERF_HEALTH = "serfHealth";
  private static final long CONNECT_TIMEOUT_MS = 500;
  private static final long CALL_TIMEOUT_MS = 1000;

  /** Longest a non-blocking call can take before its timeouts fail it: connect, write, read. */
  public static final Duration LONGEST_CALL = Duration.ofMillis(CONNECT_TIMEOUT_MS + 2 * CALL_TIMEOUT_MS);

  private final Consul calls;
  private final Consul blocking;
  private final String serviceName;
  private final Candidate self;
  private final LeadershipTiming timing;
  private final String checkId;
  private final String key;

  /**
   * Two clients: short timeouts for everything but blocking reads, so a hung Consul does not stall the
   * heartbeat for long; a long read timeout (wait + margin) for blocking reads.
   */
  public static ConsulLockPort connect(
      URI consul, Optional<String> aclToken, String serviceName, Candidate self, LeadershipTiming timing) {
    long blockingReadMs = timing.blockingWait().toMillis() * 2 + CALL_TIMEOUT_MS;
    return new ConsulLockPort(
        client(consul, aclToken, CALL_TIMEOUT_MS),
        client(consul, aclToken, blockingReadMs),
        serviceName,
        self,
        timing);
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

  ConsulLockPort(
      Consul calls, Consul blocking, String serviceName, Candidate self, LeadershipTiming timing) {
    this.calls = calls;
    this.blocking = blocking;
    this.serviceName = serviceName;
    this.self = self;
    this.timing = timing;
    this.checkId = checkIdOf(self.id());
    this.key = keyOf(serviceName);
  }

  public static String keyOf(String serviceName) {
    return "service/" + serviceName + "/leader";
  }

  public static String checkIdOf(String serviceId) {
    return serviceId + ":ttl";
  }

  @Override
  public void register(boolean leaderTag) throws LockPortException {
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
                    .ttl(millis(timing.checkTtl()))
                    .status("passing")
                    .deregisterCriticalServiceAfter("1m")
                    .build());
    if (leaderTag) {
      reg.addTags(LEADER_TAG);
    }
    try {
      calls.agentClient().register(reg.build());
    } catch (ConsulException e) {
      throw translate("register " + self.id(), e);
    }
  }

  @Override
  public void heartbeat() throws LockPortException {
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
  public String createSession() throws LockPortException {
    ImmutableSession session =
        ImmutableSession.builder()
            .name(self.id())
            .addChecks(SERF_HEALTH, checkId)
            .behavior("release")
            .lockDelay(millis(timing.lockDelay()))
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
  public KeyState read(long index, Duration wait) throws LockPortException {
    QueryOptions options =
        index <= 0
            ? Options.BLANK_QUERY_OPTIONS
            : QueryOptions.blockSeconds((int) Math.max(1, wait.toSeconds()), BigInteger.valueOf(index)).build();
    Consul client = index <= 0 ? calls : blocking;
    ConsulResponse<List<Value>> response;
    try {
      // The recursive form answers a missing key with 404 *and* the index to block on; the single-key
      // form of consul-client drops the index.
      response = client.keyValueClient().getConsulResponseWithValues(key, options);
    } catch (ConsulException e) {
      throw translate("read " + key, e);
    }
    long at = blockingIndex(response.getIndex());
    List<Value> values = response.getResponse() == null ? List.of() : response.getResponse();
    return values.stream()
        .filter(v -> v.getKey().equals(key))
        .findFirst()
        .map(
            v ->
                new KeyState(
                    at,
                    true,
                    v.getSession(),
                    v.getValueAsString().orElse("")))
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
  public void deregister() throws LockPortException {
    try {
      calls.agentClient().deregister(self.id());
    } catch (ConsulException e) {
      throw translate("deregister " + self.id(), e);
    }
  }

  @Override
  public void close() {
    calls.destroy();
    blocking.destroy();
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
