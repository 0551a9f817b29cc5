package org.example.echo.ws;

import java.time.Duration;

/**
 * What the WebSocket transport needs to know.
 *
 * @param host address to bind, e.g. {@code 0.0.0.0}
 * @param port port to bind; 0 picks a free one (tests)
 * @param readLimit largest accepted message in bytes; larger ones close the connection with 1009; ≤ 0 disables
 * @param idleTimeout a client silent for longer is closed (pings count as activity)
 * @param sendQueueLimit replies that may wait to be written to one client before it is cut off as a slow reader
 * @param version reported on {@code /healthz}
 * @param origins which browser pages may connect
 */
public record EchoSettings(
    String host,
    int port,
    long readLimit,
    Duration idleTimeout,
    int sendQueueLimit,
    String version,
    OriginPolicy origins) {

  public static final int DEFAULT_SEND_QUEUE_LIMIT = 64;

  /** Same-host origin policy. */
  public EchoSettings(
      String host, int port, long readLimit, Duration idleTimeout, int sendQueueLimit, String version) {
    this(host, port, readLimit, idleTimeout, sendQueueLimit, version, OriginPolicy.sameHost());
  }

  public EchoSettings {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be 0..65535: " + port);
    }
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("idle timeout must be positive: " + idleTimeout);
    }
    if (sendQueueLimit < 1) {
      throw new IllegalArgumentException("send queue limit must be at least 1: " + sendQueueLimit);
    }
  }

  /** Settings for an in-process server on a free loopback port, as tests and tools use it. */
  public static EchoSettings loopback() {
    return new EchoSettings("127.0.0.1", 0, 4096, Duration.ofSeconds(30), DEFAULT_SEND_QUEUE_LIMIT, "test");
  }

  public EchoSettings withIdleTimeout(Duration timeout) {
    return new EchoSettings(host, port, readLimit, timeout, sendQueueLimit, version, origins);
  }

  public EchoSettings withPort(int newPort) {
    return new EchoSettings(host, newPort, readLimit, idleTimeout, sendQueueLimit, version, origins);
  }

  public EchoSettings withSendQueueLimit(int limit) {
    return new EchoSettings(host, port, readLimit, idleTimeout, limit, version, origins);
  }

  public EchoSettings withOrigins(OriginPolicy policy) {
    return new EchoSettings(host, port, readLimit, idleTimeout, sendQueueLimit, version, policy);
  }
}
