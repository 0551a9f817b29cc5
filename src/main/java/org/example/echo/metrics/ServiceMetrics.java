package org.example.echo.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jetty.JettyConnectionMetrics;
import io.micrometer.core.instrument.binder.jetty.JettyServerThreadPoolMetrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.ThreadPool;
import org.example.echo.core.CurrentRole;

/**
 * The service's metrics: one Prometheus registry that the composition root creates and lends to the parts, each
 * of which records into it through the few methods here. {@code GET /metrics} writes {@link #scrape()}.
 *
 * <p>Names follow Prometheus' conventions once the registry renders them: counters end in {@code _total},
 * durations are in seconds, sizes in bytes (see the README's metrics table).
 */
public final class ServiceMetrics {

  /** What {@code GET /metrics} answers with: the Prometheus text exposition format. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final WebSocketMetrics websocket = new WebSocketMetrics(registry);

  /** Metrics of the service's own parts only; tests build one per server so their numbers stay their own. */
  public ServiceMetrics() {}

  /** For the real process: also the JVM's memory, GC, threads, class loading, CPU, uptime and open files. */
  @SuppressWarnings("resource") // JvmGcMetrics lives as long as the process
  public static ServiceMetrics forProcess() {
    ServiceMetrics metrics = new ServiceMetrics();
    MeterRegistry r = metrics.registry;
    new JvmMemoryMetrics().bindTo(r);
    new JvmGcMetrics().bindTo(r);
    new JvmThreadMetrics().bindTo(r);
    new ClassLoaderMetrics().bindTo(r);
    new ProcessorMetrics().bindTo(r);
    new UptimeMetrics().bindTo(r);
    new FileDescriptorMetrics().bindTo(r);
    return metrics;
  }

  public WebSocketMetrics websocket() {
    return websocket;
  }

  /** Jetty's own view: the thread pool (busy, idle, queued jobs) and every connection, plain HTTP included. */
  public void bindJetty(Server server, ThreadPool threadPool) {
    new JettyServerThreadPoolMetrics(threadPool, Tags.empty()).bindTo(registry);
    JettyConnectionMetrics.addToAllConnectors(server, registry);
  }

  /** The role gauge ({@code echo_leader}) and the transitions counter, from what the lock reports. */
  public void watchRole(CurrentRole role) {
    new RoleMetrics(registry).watch(role);
  }

  /**
   * {@code echo_lock_confirmed_age_seconds}: how long ago the holder last sent a confirmation that showed its
   * session holding the lock (t_c); NaN while it holds none. The holder stops serving when it reaches the serving
   * window after a confirmation (1.34 s with the defaults).
   */
  public void lockConfirmationAge(Supplier<Optional<Duration>> sinceConfirmed) {
    ageGauge("echo.lock.confirmed.age", "Seconds since the holder last confirmed that its session holds the lock (t_c)",
        sinceConfirmed);
  }

  /**
   * {@code echo_lock_keepalive_age_seconds}: how long ago the last keep-alive that Consul accepted was sent (t_h),
   * on every instance with a session; NaN without one. The holder stops serving when it reaches the serving window
   * after a keep-alive (0.8 s with the defaults); on a standby, it shows the session is being kept.
   */
  public void lockKeepAliveAge(Supplier<Optional<Duration>> sinceKeptAlive) {
    ageGauge("echo.lock.keepalive.age",
        "Seconds since the last keep-alive Consul accepted was sent, while there is a session (t_h)", sinceKeptAlive);
  }

  /** A gauge in seconds of an age that may be unknown (NaN then). */
  private void ageGauge(String name, String description, Supplier<Optional<Duration>> age) {
    Gauge.builder(name, () -> age.get().map(ServiceMetrics::seconds).orElse(Double.NaN))
        .description(description)
        .baseUnit("seconds")
        .register(registry);
  }

  public <T> T timeConsulCalls(Class<T> portType, T port) {
    return timeConsulCalls(portType, port, Set.of());
  }

  /** The same; the methods named in {@code notCalls} are read-outs of the adapter, passed through untimed. */
  public <T> T timeConsulCalls(Class<T> portType, T port, Set<String> notCalls) {
    return ConsulCallTimer.wrap(portType, port, registry, notCalls);
  }

  public String scrape() {
    return registry.scrape();
  }

  /** For tests that read a meter directly. */
  public MeterRegistry registry() {
    return registry;
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }
}
