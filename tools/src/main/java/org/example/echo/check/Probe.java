package org.example.echo.check;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;

/**
 * Measures how long an endpoint is unavailable: at every interval a fresh connection, one echo, close. Runs on one
 * background thread until {@link #stop()}; tests and the {@code probe} command use it the same way:
 *
 * <pre>{@code
 * try (Probe probe = Probe.start(new ProbeSettings(uri, Duration.ofMillis(50), Duration.ofSeconds(1)))) {
 *   ... kill and restart the server ...
 *   await().until(() -> !probe.outages().isEmpty());
 *   ProbeResult result = probe.stop();
 * }
 * }</pre>
 */
public final class Probe implements AutoCloseable {

  /** Hears about outages as they end, and (for verbose output) about every failed attempt. */
  public interface Listener {
    void outageEnded(Outage outage);

    default void attemptFailed(int attempt, String why) {}
  }

  private final ProbeSettings settings;
  private final Listener listener;
  private final ClientPool clients;
  private final StopSignal stop = new StopSignal();
  private final Thread thread;
  private final Object lock = new Object();
  // Guarded by lock.
  private final List<Outage> outages = new ArrayList<>();
  private int attempts;
  private int failedAttempts;
  private OpenOutage current;
  private ProbeResult result;

  private Probe(ProbeSettings settings, Listener listener, ClientPool clients) {
    this.settings = settings;
    this.listener = listener;
    this.clients = clients;
    this.thread = new Thread(this::loop, "ws-probe");
    this.thread.setDaemon(true);
  }

  public static Probe start(ProbeSettings settings) throws Exception {
    return start(settings, outage -> {});
  }

  public static Probe start(ProbeSettings settings, Listener listener) throws Exception {
    Probe probe = new Probe(settings, listener, ClientPool.start(4, settings.attemptTimeout(), List.of()));
    probe.thread.start();
    return probe;
  }

  /** Outages that have ended so far. */
  public List<Outage> outages() {
    synchronized (lock) {
      return List.copyOf(outages);
    }
  }

  public int attempts() {
    synchronized (lock) {
      return attempts;
    }
  }

  public int failedAttempts() {
    synchronized (lock) {
      return failedAttempts;
    }
  }

  /** Whether the latest attempt failed. */
  public boolean inOutage() {
    synchronized (lock) {
      return current != null;
    }
  }

  /**
   * Stops probing (waits for the attempt in flight) and returns everything seen; an outage still going on is
   * included, ending now. Idempotent.
   */
  public ProbeResult stop() {
    stop.stop();
    try {
      thread.join(settings.attemptTimeout().plusSeconds(1).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (lock) {
      if (result == null) {
        clients.close();
        List<Outage> all = new ArrayList<>(outages);
        if (current != null) {
          all.add(current.end(System.nanoTime(), true));
        }
        result = new ProbeResult(attempts, failedAttempts, all);
      }
      return result;
    }
  }

  @Override
  public void close() {
    stop();
  }

  private void loop() {
    long intervalNanos = settings.interval().toNanos();
    long nextTick = System.nanoTime();
    for (int attempt = 1; !stop.isStopped(); attempt++) {
      Instant wallStart = Instant.now();
      long start = System.nanoTime();
      String failure = attempt(attempt);
      record(attempt, wallStart, start, failure);
      // Fixed rate; after a slow attempt the missed ticks are skipped rather than fired in a burst.
      nextTick += intervalNanos;
      long now = System.nanoTime();
      if (nextTick < now) {
        nextTick = now;
      }
      stop.await(Duration.ofNanos(nextTick - now));
    }
  }

  /** Connect, echo once, close. Returns why it failed, or null on success. */
  private String attempt(int attempt) {
    long timeoutNanos = settings.attemptTimeout().toNanos();
    long deadline = System.nanoTime() + timeoutNanos;
    EchoOnce endpoint = new EchoOnce("probe " + attempt);
    ClientUpgradeRequest request = new ClientUpgradeRequest(settings.uri());
    request.setTimeout(settings.attemptTimeout().toMillis(), TimeUnit.MILLISECONDS);
    CompletableFuture<Session> connect = null;
    try {
      connect = clients.client(0).connect(endpoint, request);
      connect.get(timeoutNanos, TimeUnit.NANOSECONDS);
      endpoint.reply.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      return null;
    } catch (TimeoutException e) {
      return "no echo within " + settings.attemptTimeout().toMillis() + " ms";
    } catch (ExecutionException e) {
      return Failures.describe(e.getCause() == null ? e : e.getCause());
    } catch (IOException | RuntimeException e) {
      return e.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop.stop();
      return "interrupted";
    } finally {
      if (connect != null) {
        connect.cancel(true);
      }
      endpoint.close();
    }
  }

  private void record(int attempt, Instant wallStart, long start, String failure) {
    Outage ended = null;
    synchronized (lock) {
      attempts++;
      if (failure != null) {
        failedAttempts++;
        if (current == null) {
          current = new OpenOutage(wallStart, start, failure);
        }
        current.failedAttempts++;
      } else if (current != null) {
        ended = current.end(start, false);
        outages.add(ended);
        current = null;
      }
    }
    if (failure != null) {
      listener.attemptFailed(attempt, failure);
    }
    if (ended != null) {
      listener.outageEnded(ended);
    }
  }

  private static final class OpenOutage {
    private final Instant start;
    private final long startNanos;
    private final String firstError;
    private int failedAttempts;

    OpenOutage(Instant start, long startNanos, String firstError) {
      this.start = start;
      this.startNanos = startNanos;
      this.firstError = firstError;
    }

    Outage end(long endNanos, boolean ongoing) {
      Duration length = Duration.ofNanos(endNanos - startNanos);
      return new Outage(start, start.plus(length), length, failedAttempts, firstError, ongoing);
    }
  }

  /** One connection that sends one text and waits for it to come back. Public for Jetty's reflection. */
  public static final class EchoOnce implements Session.Listener.AutoDemanding {
    private final String payload;
    private final CompletableFuture<Void> reply = new CompletableFuture<>();
    private volatile Session session;

    EchoOnce(String payload) {
      this.payload = payload;
    }

    @Override
    public void onWebSocketOpen(Session opened) {
      session = opened;
      opened.sendText(payload, Callback.from(() -> {}, reply::completeExceptionally));
    }

    @Override
    public void onWebSocketText(String message) {
      if (EchoMatch.isEchoOf(payload, message)) {
        reply.complete(null);
      }
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
      callback.succeed();
      reply.completeExceptionally(new IOException("closed by the server before the echo: " + statusCode + " " + reason));
    }

    @Override
    public void onWebSocketError(Throwable cause) {
      reply.completeExceptionally(cause);
    }

    void close() {
      Session opened = session;
      if (opened != null && opened.isOpen()) {
        opened.close(1000, "probe done", Callback.NOOP);
      }
    }
  }
}
