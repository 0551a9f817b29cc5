package org.example.echo.ws;

import java.time.Duration;
import java.util.List;

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
 * @param permessageDeflate whether permessage-deflate (RFC 7692) is negotiated; it costs native zlib memory per
 *     connection (README), so it is off unless asked for. No other extension is ever negotiated.
 * @param trustedProxies peers whose X-Real-IP / X-Real-Port name the client; from others they are ignored
 * @param headerTimeout an HTTP connection whose request header is not complete this long after it opened is cut
 * @param maxConnections connections held at once, over which new ones get a 503; 0: the open-file limit less 128
 * @param maxConnectionsPerClient connections from one peer address (trusted proxies excepted); 0: no limit
 */
public record EchoSettings(
    String host,
    int port,
    long readLimit,
    Duration idleTimeout,
    int sendQueueLimit,
    String version,
    OriginPolicy origins,
    boolean permessageDeflate,
    TrustedProxies trustedProxies,
    Duration headerTimeout,
    int maxConnections,
    int maxConnectionsPerClient) {

  // The command line's defaults (ServerOptions' picocli defaults read these).
  public static final long DEFAULT_READ_LIMIT = 4096;
  public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 30;
  public static final int DEFAULT_SEND_QUEUE_LIMIT = 64;
  public static final boolean DEFAULT_PERMESSAGE_DEFLATE = false;
  public static final int DEFAULT_HEADER_TIMEOUT_SECONDS = 5;
  /** 0: the open-file limit less ConnectionLimits.RESERVED_FILES. */
  public static final int DEFAULT_MAX_CONNECTIONS = 0;
  public static final int DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 256;
  /** A proxy on this host: whoever can connect from loopback already runs on it. */
  public static final String DEFAULT_TRUSTED_PROXIES = "127.0.0.0/8,::1";

  /** Every check of these values; the command line names the option when one fails (ServerOptions). */
  public EchoSettings {
    check(!host.isBlank(), "host", "must not be empty");
    check(port >= 0 && port <= 65_535, "port", port + " is not a port number (0..65535)");
    check(!idleTimeout.isNegative() && !idleTimeout.isZero(), "idleTimeout",
        "must be positive, was " + idleTimeout.toMillis() + " ms");
    check(sendQueueLimit >= 1, "sendQueueLimit", sendQueueLimit + " must be at least 1");
    check(!headerTimeout.isNegative() && !headerTimeout.isZero(), "headerTimeout",
        "must be positive, was " + headerTimeout.toMillis() + " ms");
    check(maxConnections >= 0, "maxConnections", maxConnections + " must be 0 (automatic) or more");
    check(maxConnectionsPerClient >= 0, "maxConnectionsPerClient",
        maxConnectionsPerClient + " must be 0 (no limit) or more");
  }

  private static void check(boolean valid, String setting, String problem) {
    if (!valid) {
      throw new InvalidSetting(setting, problem);
    }
  }

  /** A value the transport cannot work with, naming the record component it was meant for. */
  public static final class InvalidSetting extends IllegalArgumentException {
    private final String setting;
    private final String problem;

    InvalidSetting(String setting, String problem) {
      super(setting + ": " + problem);
      this.setting = setting;
      this.problem = problem;
    }

    public String setting() {
      return setting;
    }

    public String problem() {
      return problem;
    }
  }
}
