package org.example.echo.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.example.echo.core.InstanceDirectory;
import org.example.echo.core.RegisteredInstance;

/**
 * The cluster as the demo page shows it: one row per address the directory lists, with the role its own {@code
 * /healthz} reports, or unreachable. The page can reach only nginx, which routes to one instance, so that one
 * asks the others.
 *
 * <p>An instance killed and restarted on the same address registers anew (a new id) while its old registration
 * lingers, critical, until the directory reaps it; both would be asked at the same address and answer alike. So
 * each address is one row: the registration with the best check is the instance (only a running process keeps
 * its check passing, and only one can listen on an address), and the others are listed as its stale
 * registrations.
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
  /** Since when each unreachable address has been seen so; forgotten once it answers or is gone. */
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
    List<Address> addresses = byAddress(instances);
    List<CompletableFuture<InstanceReport>> asks = addresses.stream()
        .map(a -> probe.ask(a.live())
            .handle((health, error) -> error == null ? reachable(a, health) : unreachable(a, error, askedAt)))
        .toList();
    unreachableSince.keySet().retainAll(addresses.stream().map(Address::hostPort).collect(Collectors.toSet()));
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
        .thenApply(done -> new ClusterReport(service, askedAt.toString(), asks.stream().map(CompletableFuture::join).toList()));
  }

  /** An address with the registration taken for the instance there and the stale ones beside it. */
  private record Address(String hostPort, RegisteredInstance live, List<String> staleIds) {}

  /**
   * One entry per address, in the directory's order. The best check wins; between equal checks (the address is
   * dead, or was restarted within a check TTL) the directory cannot tell which is newer, and either names the
   * same address and answer, so the smaller id wins to keep the row stable from one round to the next.
   */
  private static List<Address> byAddress(List<RegisteredInstance> instances) {
    Comparator<RegisteredInstance> best = Comparator
        .comparingInt((RegisteredInstance i) -> RegisteredInstance.healthRank(i.health()))
        .thenComparing(RegisteredInstance::id);
    Map<String, List<RegisteredInstance>> grouped = instances.stream()
        .collect(Collectors.groupingBy(HealthProbe::hostPort, LinkedHashMap::new, Collectors.toList()));
    return grouped.entrySet().stream().map(e -> {
      List<RegisteredInstance> ranked = e.getValue().stream().sorted(best).toList();
      List<String> stale = ranked.stream().skip(1).map(RegisteredInstance::id).toList();
      return new Address(e.getKey(), ranked.get(0), stale);
    }).toList();
  }

  private InstanceReport reachable(Address a, JsonNode health) {
    unreachableSince.remove(a.hostPort());
    RegisteredInstance i = a.live();
    return new InstanceReport(i.id(), a.hostPort(), i.health(), health.path("role").asText("unknown"),
        health.path("roleSince").asText(""), health.path("version").asText(""), health.path("connections").asInt(-1),
        "", a.staleIds());
  }

  private InstanceReport unreachable(Address a, Throwable error, Instant askedAt) {
    Instant since = unreachableSince.computeIfAbsent(a.hostPort(), address -> askedAt);
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    String problem = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    RegisteredInstance i = a.live();
    return new InstanceReport(i.id(), a.hostPort(), i.health(), InstanceReport.UNREACHABLE,
        since.toString(), "", -1, problem, a.staleIds());
  }
}
