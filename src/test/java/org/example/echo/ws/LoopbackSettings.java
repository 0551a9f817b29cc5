package org.example.echo.ws;

import java.time.Duration;

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

  /** Version {@code test}, as /healthz reports it. */
  public EchoSettings build() {
    return new EchoSettings("127.0.0.1", port, readLimit, idleTimeout, sendQueueLimit, "test", origins, permessageDeflate);
  }
}
