package org.example.echo.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.example.echo.core.InstanceDirectory;
import org.example.echo.core.RegisteredInstance;

/**
 * The cluster as the demo page shows it: every instance the directory lists, with the role its own {@code
 * /healthz} reports, or unreachable. The page can reach only nginx, which routes to one instance, so that one
 * asks the others.
 *
 * <p>Any number of pages may poll; one round of asking serves every request that arrives while it runs or for
 * {@link #FRESH} after it, so the load on Consul and the instances does not grow with the pages.
 */
public final class ClusterView {

  /** How long an instance gets to answer {@code /healthz} before it counts as unreachable. */
  static final Duration ASK_TIMEOUT = Duration.ofMillis(500);

  /** How long one round's answer is reused. */
  static final Duration FRESH = Duration.ofMillis(500);

  private final String service;
  private final InstanceDirectory directory;
  private final HealthProbe probe;
  private final Clock clock;
  /** The directory's client blocks; it runs here, never on a server thread. */
  private final Executor directoryCalls;
  /** Since when each unreachable instance has been seen so, by id; forgotten once it answers or is gone. */
  private final Map<String, Instant> unreachableSince = new ConcurrentHashMap<>();

  private CompletableFuture<ClusterReport> latest;
  private long latestStartedAt;

  ClusterView(String service, InstanceDirectory directory, HealthProbe probe, Clock clock, Executor directoryCalls) {
    this.service = service;
    this.directory = directory;
    this.probe = probe;
    this.clock = clock;
    this.directoryCalls = directoryCalls;
  }

  public static ClusterView of(String service, InstanceDirectory directory) {
    Executor calls = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "cluster-view");
      t.setDaemon(true);
      return t;
    });
    return new ClusterView(service, directory, new HealthProbe(ASK_TIMEOUT), Clock.systemUTC(), calls);
  }

  /** The current report: a round under way, the last one if it is fresh, or a new round. */
  public synchronized CompletableFuture<ClusterReport> report() {
    long now = System.nanoTime();
    if (latest == null || (latest.isDone() && now - latestStartedAt >= FRESH.toNanos())) {
      latestStartedAt = now;
      latest = CompletableFuture.supplyAsync(directory::instances, directoryCalls).thenCompose(this::askAll);
    }
    return latest;
  }

  private CompletableFuture<ClusterReport> askAll(List<RegisteredInstance> instances) {
    Instant askedAt = clock.instant();
    List<CompletableFuture<InstanceReport>> asks = instances.stream()
        .map(i -> probe.ask(i).handle((health, error) -> error == null ? reachable(i, health) : unreachable(i, error, askedAt)))
        .toList();
    Set<String> listed = instances.stream().map(RegisteredInstance::id).collect(Collectors.toSet());
    unreachableSince.keySet().retainAll(listed);
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
        .thenApply(done -> new ClusterReport(service, askedAt.toString(), asks.stream().map(CompletableFuture::join).toList()));
  }

  private InstanceReport reachable(RegisteredInstance i, JsonNode health) {
    unreachableSince.remove(i.id());
    return new InstanceReport(i.id(), HealthProbe.hostPort(i), i.health(), health.path("role").asText("unknown"),
        health.path("roleSince").asText(""), health.path("version").asText(""), health.path("connections").asInt(-1),
        "");
  }

  private InstanceReport unreachable(RegisteredInstance i, Throwable error, Instant askedAt) {
    Instant since = unreachableSince.computeIfAbsent(i.id(), id -> askedAt);
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    String problem = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    return new InstanceReport(i.id(), HealthProbe.hostPort(i), i.health(), InstanceReport.UNREACHABLE,
        since.toString(), "", -1, problem);
  }
}
