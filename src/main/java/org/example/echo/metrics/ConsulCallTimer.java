package org.example.echo.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * Times every call of a port whose methods are each one call to Consul ({@code LockPort}, the instance
 * directory): {@code echo_consul_requests_seconds{operation, outcome}}, where the operation is the method's name
 * in snake case and the outcome {@code success} or {@code error} (the call threw). Methods named as not calls
 * (such as {@code LockPort.terms()}, the adapter's settings) pass through untimed.
 *
 * <p>Why a proxy: it times whatever methods the port has, so the adapter and the state machine carry no metrics
 * code and the port can change without this class changing.
 */
final class ConsulCallTimer implements InvocationHandler {

  /** Buckets for the histogram, so Prometheus can estimate quantiles: Consul answers in milliseconds. */
  private static final Duration[] BUCKETS = {
    Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
    Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
    Duration.ofMillis(2500), Duration.ofSeconds(10)
  };

  private final Object target;
  private final MeterRegistry registry;
  private final Set<String> notCalls;

  private ConsulCallTimer(Object target, MeterRegistry registry, Set<String> notCalls) {
    this.target = target;
    this.registry = registry;
    this.notCalls = notCalls;
  }

  static <T> T wrap(Class<T> portType, T port, MeterRegistry registry, Set<String> notCalls) {
    Object proxy = Proxy.newProxyInstance(
        portType.getClassLoader(), new Class<?>[] {portType}, new ConsulCallTimer(port, registry, notCalls));
    return portType.cast(proxy);
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    if (method.getDeclaringClass() == Object.class || notCalls.contains(method.getName())) {
      try {
        return method.invoke(target, args); // toString, equals, hashCode, read-outs: not Consul calls
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }
    long started = System.nanoTime();
    String outcome = "error";
    try {
      Object result = method.invoke(target, args);
      outcome = "success";
      return result;
    } catch (InvocationTargetException e) {
      throw e.getCause();
    } finally {
      timer(operation(method, args), outcome).record(Duration.ofNanos(System.nanoTime() - started));
    }
  }

  /**
   * The method's name in snake case; a read of the key ({@code watch}) is {@code read}, and one that blocks (an
   * index to wait on) is {@code read_blocking}, since it lasts as long as the key stays unchanged and would hide
   * the latency of the reads that do not.
   */
  static String operation(Method method, Object[] args) {
    String name = method.getName();
    if (name.equals("read") || name.equals("watch")) {
      return args != null && args.length > 0 && args[0] instanceof Long index && index > 0 ? "read_blocking" : "read";
    }
    return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }

  private Timer timer(String operation, String outcome) {
    return Timer.builder("echo.consul.requests")
        .description("Calls to Consul, by operation and outcome")
        .tag("operation", operation)
        .tag("outcome", outcome)
        .serviceLevelObjectives(BUCKETS)
        .register(registry);
  }
}
