package org.example.echo.ws;

import java.time.Duration;
import java.util.List;

/**
 * Settings for an in-process server on a free loopback port, otherwise the command line's defaults:
 * {@code new LoopbackSettings().idleTimeout(Duration.ofSeconds(1)).build()}.
 */
public final class LoopbackSettings {

  private int port;
  private long readLimit = EchoSettings.DEFAULT_READ_LIMIT;
  private Duration idleTimeout = Duration.ofSeconds(EchoSettings.DEFAULT_IDLE_TIMEOUT_SECONDS);
  private int sendQueueLimit = EchoSettings.DEFAULT_SEND_QUEUE_LIMIT;
  private OriginPolicy origins = OriginPolicy.sameHost();
  private boolean permessageDeflate = EchoSettings.DEFAULT_PERMESSAGE_DEFLATE;
  private TrustedProxies trustedProxies =
      TrustedProxies.of(List.of(EchoSettings.DEFAULT_TRUSTED_PROXIES.split(",")));

  public LoopbackSettings port(int value) {
    port = value;
    return this;
  }

  public LoopbackSettings readLimit(long value) {
    readLimit = value;
    return this;
  }

  public LoopbackSettings idleTimeout(Duration value) {
    idleTimeout = value;
    return this;
  }

  public LoopbackSettings sendQueueLimit(int value) {
    sendQueueLimit = value;
    return this;
  }

  public LoopbackSettings origins(OriginPolicy value) {
    origins = value;
    return this;
  }

  public LoopbackSettings permessageDeflate(boolean value) {
    permessageDeflate = value;
    return this;
  }

  private Duration headerTimeout = Duration.ofSeconds(EchoSettings.DEFAULT_HEADER_TIMEOUT_SECONDS);
  private int maxConnections = EchoSettings.DEFAULT_MAX_CONNECTIONS;
  private int maxConnectionsPerClient = EchoSettings.DEFAULT_MAX_CONNECTIONS_PER_CLIENT;

  public LoopbackSettings headerTimeout(Duration value) {
    headerTimeout = value;
    return this;
  }

  public LoopbackSettings maxConnections(int value) {
    maxConnections = value;
    return this;
  }

  public LoopbackSettings maxConnectionsPerClient(int value) {
    maxConnectionsPerClient = value;
    return this;
  }

  /** E.g. {@code "none"}, so that loopback clients count as clients, not as a proxy. */
  public LoopbackSettings trustedProxies(String... values) {
    trustedProxies = TrustedProxies.of(List.of(values));
    return this;
  }

  /** Version {@code test}, as /healthz reports it. */
  public EchoSettings build() {
    return new EchoSettings("127.0.0.1", port, readLimit, idleTimeout, sendQueueLimit, "test", origins, permessageDeflate,
        trustedProxies, headerTimeout, maxConnections, maxConnectionsPerClient);
  }
}
