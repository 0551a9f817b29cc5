package org.example.echo.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * What the WebSocket transport records: connections, messages and bytes each way, slow readers, refused
 * upgrades. Called on the selector threads, so every method is a lookup-free counter increment where it can be.
 */
public final class WebSocketMetrics {

  /** Why an upgrade was refused; the {@code reason} label. */
  public enum Refusal {
    /** 403: a browser page from an origin that is not allowed. */
    ORIGIN,
    /** 503: this instance does not hold the lock. */
    STANDBY,
    /** 503: over --max-connections or --max-connections-per-client (counted at accept, upgrade or not). */
    LIMIT
  }

  /** Text or binary; the {@code type} label. */
  public enum Kind {
    TEXT,
    BINARY
  }

  /** Close codes that get their own label: RFC 6455's range; others (private 3000–4999) count as "other". */
  private static final int FIRST_STANDARD_CODE = 1000;

  private static final int LAST_STANDARD_CODE = 1015;

  private final MeterRegistry registry;
  private final Counter connects;
  private final Counter slowReaderCutoffs;
  private final Map<Refusal, Counter> refused = new EnumMap<>(Refusal.class);
  private final Map<Kind, Counter> messagesIn = new EnumMap<>(Kind.class);
  private final Map<Kind, Counter> messagesOut = new EnumMap<>(Kind.class);
  private final Map<Kind, Counter> bytesIn = new EnumMap<>(Kind.class);
  private final Map<Kind, Counter> bytesOut = new EnumMap<>(Kind.class);
  private final Map<String, Counter> closes = new ConcurrentHashMap<>();

  WebSocketMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.connects = Counter.builder("echo.websocket.connects")
        .description("WebSocket connections opened (upgrades accepted)").register(registry);
    this.slowReaderCutoffs = Counter.builder("echo.websocket.slow.reader.cutoffs")
        .description("Clients closed with 1008 because their reply queue was full").register(registry);
    for (Refusal r : Refusal.values()) {
      refused.put(r, Counter.builder("echo.websocket.upgrades.refused").tag("reason", label(r))
          .description("WebSocket upgrades refused, by reason").register(registry));
    }
    for (Kind k : Kind.values()) {
      String type = label(k);
      messagesIn.put(k, Counter.builder("echo.websocket.messages.received").tag("type", type)
          .description("Messages received from clients").register(registry));
      messagesOut.put(k, Counter.builder("echo.websocket.messages.sent").tag("type", type)
          .description("Replies written to clients").register(registry));
      bytesIn.put(k, Counter.builder("echo.websocket.received").tag("type", type).baseUnit("bytes")
          .description("Payload bytes received from clients").register(registry));
      bytesOut.put(k, Counter.builder("echo.websocket.sent").tag("type", type).baseUnit("bytes")
          .description("Payload bytes of the replies written to clients").register(registry));
    }
    // The usual codes exist from the start, so a rate over them never begins with a missing series.
    for (int code : new int[] {1000, 1001, 1006, 1008, 1012}) {
      closeCounter(code);
    }
  }

  /** {@code echo_websocket_connections}: open right now, as the transport counts them. */
  public void openConnections(IntSupplier open) {
    Gauge.builder("echo.websocket.connections", open::getAsInt)
        .description("WebSocket connections open right now").register(registry);
  }

  public void opened() {
    connects.increment();
  }

  /** A connection ended with this close code (either side's, or Jetty's for an abnormal end such as 1006). */
  public void closed(int code) {
    closeCounter(code).increment();
  }

  public void received(Kind kind, long payloadBytes) {
    messagesIn.get(kind).increment();
    bytesIn.get(kind).increment((double) payloadBytes); // exact below 2^53 bytes per message
  }

  public void sent(Kind kind, long payloadBytes) {
    messagesOut.get(kind).increment();
    bytesOut.get(kind).increment((double) payloadBytes);
  }

  public void slowReaderCutOff() {
    slowReaderCutoffs.increment();
  }

  public void upgradeRefused(Refusal reason) {
    refused.get(reason).increment();
  }

  private Counter closeCounter(int code) {
    String label = code >= FIRST_STANDARD_CODE && code <= LAST_STANDARD_CODE ? String.valueOf(code) : "other";
    return closes.computeIfAbsent(label, c -> Counter.builder("echo.websocket.closes").tag("code", c)
        .description("WebSocket connections closed, by close code").register(registry));
  }

  private static String label(Enum<?> e) {
    return e.name().toLowerCase(java.util.Locale.ROOT);
  }
}
