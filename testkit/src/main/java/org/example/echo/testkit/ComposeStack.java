package org.example.echo.testkit;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The docker-compose stack that scripts/compose-e2e.sh started, seen through the docker CLI (by compose
 * labels, so it works with compose v1 and v2) and over the containers' own network.
 */
public final class ComposeStack {

  public static final List<String> REPLICAS = List.of("echo1", "echo2");
  public static final List<String> CONSUL_SERVERS = List.of("consul1", "consul2", "consul3");
  /** Every service, network namespace owners (Consul servers and agents) before the processes sharing them. */
  private static final List<String> START_ORDER =
      List.of("consul1", "consul2", "consul3", "agent1", "agent2", "agent-nginx", "nginx", "echo1", "echo2");
  private static final Pattern ROLE = Pattern.compile("\"role\":\"(\\w+)\"");
  private static final Pattern ROLE_SINCE = Pattern.compile("\"roleSince\":\"([^\"]+)\"");
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration SETTLED = Duration.ofSeconds(3);

  /** The replica that is not {@code replica}: the standby of a leader, the new leader after a failover. */
  public static String otherReplica(String replica) {
    return REPLICAS.stream().filter(r -> !r.equals(replica)).findFirst().orElseThrow();
  }

  private final String project;
  /**
   * Container ids by service and network-namespace owners by container id. Both are fixed for the stack's life
   * (tests stop, kill, start and disconnect containers, never recreate them), and each lookup is a docker process
   * that costs about 25 ms of CPU outside the containers' cgroup: uncached, a burst of 200 clients asking for
   * nginx's address held the whole stack back for seconds on two cores.
   */
  private final Map<String, String> containers = new ConcurrentHashMap<>();
  private final Map<String, String> netnsOwners = new ConcurrentHashMap<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

  public ComposeStack() {
    this.project = System.getProperty("e2e.project");
    if (project == null || project.isBlank()) {
      throw new IllegalStateException("run through ./test-integration.sh (scripts/compose-e2e.sh): e2e.project is not set");
    }
  }

  /** nginx's published address; asked each time, since a restarted container may get a new host port. */
  public URI echoUri() {
    return URI.create("ws://" + published("nginx", 80) + "/");
  }

  public URI consulUri() {
    return URI.create("http://" + published("agent-nginx", 8500));
  }

  private String published(String service, int port) {
    String mapping =
        docker("port", netnsOwner(container(service)), String.valueOf(port)).lines().findFirst().orElseThrow();
    return mapping.strip().replace("0.0.0.0:", "127.0.0.1:");
  }

  public String container(String service) {
    return containers.computeIfAbsent(service, this::lookUpContainer);
  }

  private String lookUpContainer(String service) {
    String id =
        docker(
                "ps", "-aq",
                "--filter", "label=com.docker.compose.project=" + project,
                "--filter", "label=com.docker.compose.service=" + service)
            .strip();
    if (id.isEmpty() || id.contains("\n")) {
      throw new IllegalStateException("expected one container for " + service + " in " + project + ", got: " + id);
    }
    return id;
  }

  /** The container's IP; for one in another's network namespace (network_mode: service:…) the owner's. */
  public String ip(String service) {
    return docker("inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
            netnsOwner(container(service)))
        .strip();
  }

  /** The container whose network namespace the given one uses: itself, or the target of network_mode. */
  private String netnsOwner(String id) {
    return netnsOwners.computeIfAbsent(id, container -> {
      String mode = docker("inspect", "-f", "{{.HostConfig.NetworkMode}}", container).strip();
      return mode.startsWith("container:") ? mode.substring("container:".length()) : container;
    });
  }

  /** The one network a namespace-owning service (a Consul server or agent) is attached to, by name. */
  public String network(String service) {
    return docker("inspect", "-f", "{{range $name, $n := .NetworkSettings.Networks}}{{$name}} {{end}}",
            container(service))
        .strip();
  }

  /**
   * Cuts a host off: disconnects the namespace-owning service (an agent) from its network, so it and every
   * container sharing its namespace lose the network at once. Returns the network and the address it had.
   */
  public String[] cutOff(String service) {
    String network = network(service);
    String ip = ip(service);
    docker("network", "disconnect", network, container(service));
    return new String[] {network, ip};
  }

  /**
   * Connects a cut-off host back, with its old address where Docker allows it (a host keeps its address
   * when its cable comes back); true when it got that address back.
   */
  public boolean reconnect(String service, String network, String ip) {
    try {
      docker("network", "connect", "--ip", ip, network, container(service));
    } catch (IllegalStateException e) {
      docker("network", "connect", network, container(service));
    }
    return ip.equals(ip(service));
  }

  public boolean running(String service) {
    return "true".equals(docker("inspect", "-f", "{{.State.Running}}", container(service)).strip());
  }

  /** The role a replica reports on /healthz, or "down" when it does not answer. */
  public String role(String service) {
    return health(service, ROLE);
  }

  /** Since when a replica has held its role, from /healthz, or "down" when it does not answer. */
  public String roleSince(String service) {
    return health(service, ROLE_SINCE);
  }

  private String health(String service, Pattern field) {
    String ip = ip(service);
    if (ip.isEmpty()) {
      return "down";
    }
    return get(URI.create("http://" + ip + ":8080/healthz"))
        .map(response -> {
          Matcher m = field.matcher(response.body());
          return m.find() ? m.group(1) : "unknown";
        })
        .orElse("down");
  }

  /**
   * Whether the Consul servers have a raft leader, as the nginx host's agent is told by one of them; asked over
   * the containers' network, as {@link #role} asks the replicas.
   */
  public boolean consulHasLeader() {
    return get(URI.create("http://" + ip("agent-nginx") + ":8500/v1/status/leader"))
        .map(response -> {
          String leader = response.body().strip();
          return response.statusCode() == 200 && !leader.isEmpty() && !"\"\"".equals(leader);
        })
        .orElse(false);
  }

  /** One GET with the stack's 800 ms timeout; empty when it failed. */
  private Optional<HttpResponse<String>> get(URI uri) {
    try {
      return Optional.of(http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofMillis(800)).build(),
          HttpResponse.BodyHandlers.ofString()));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  public List<String> leaders() {
    List<String> leaders = new ArrayList<>();
    for (String replica : REPLICAS) {
      if ("leader".equals(role(replica))) {
        leaders.add(replica);
      }
    }
    return leaders;
  }

  public Optional<String> leader() {
    List<String> leaders = leaders();
    return leaders.size() == 1 ? Optional.of(leaders.get(0)) : Optional.empty();
  }

  /**
   * Waits until every replica runs, exactly one leads, the others stand by and nginx routes to the leader, and
   * all of that holds with the same leader for {@link #SETTLED}; returns the leader. The settling matters on two
   * cores: a JVM that just started compiles for seconds and starves its neighbours, and a test should begin on a
   * stack that has stopped moving rather than in the last instant of a failover.
   */
  public String awaitSteady(Duration atMost) {
    AtomicReference<String> previous = new AtomicReference<>("");
    await("every replica running, one leader behind nginx, the rest standby, the same for " + SETTLED.toSeconds() + " s")
        .atMost(atMost.plus(SETTLED))
        .during(SETTLED)
        // Each round asks docker for addresses: a slower poll leaves the stack's two cores to the stack.
        .pollInterval(Duration.ofMillis(500))
        .until(() -> {
          String now = steadyLeader().orElse("");
          return !now.isEmpty() && now.equals(previous.getAndSet(now));
        });
    return leader().orElseThrow();
  }

  /** The leader when the stack is steady right now (see {@link #awaitSteady}), else empty. */
  private Optional<String> steadyLeader() {
    // A replica that answers /healthz runs: no separate (docker) check for that.
    List<String> leaders = new ArrayList<>();
    for (String replica : REPLICAS) {
      String role = role(replica);
      if ("leader".equals(role)) {
        leaders.add(replica);
      } else if (!"standby".equals(role)) {
        return Optional.empty();
      }
    }
    if (leaders.size() != 1 || !nginxRoutesTo(leaders.get(0))) {
      return Optional.empty();
    }
    return Optional.of(leaders.get(0));
  }

  /** Whether /healthz through nginx is answered by this replica as the leader. */
  private boolean nginxRoutesTo(String replica) {
    return get(URI.create("http://" + published("nginx", 80) + "/healthz"))
        .map(response -> response.statusCode() == 200
            && response.body().contains("\"role\":\"leader\"")
            && response.body().contains("@" + ip(replica) + ":"))
        .orElse(false);
  }

  /** Brings back whatever a test stopped or killed. */
  public void restoreAll() {
    for (String service : START_ORDER) {
      if (!running(service)) {
        docker("start", container(service));
      }
    }
  }

  /** The process id of a container's main process on this host (0 when it is not running). */
  public long hostPid(String service) {
    return Long.parseLong(docker("inspect", "-f", "{{.State.Pid}}", container(service)).strip());
  }

  public int restartCount(String service) {
    return Integer.parseInt(docker("inspect", "-f", "{{.RestartCount}}", container(service)).strip());
  }

  /**
   * The replicas' leadership changes and their agents' missed TTLs since {@code since}, in time order: what a
   * test prints to explain an outage it saw.
   */
  public List<String> leaseEvents(Instant since) {
    List<String> events = new ArrayList<>();
    for (String service : List.of("echo1", "echo2", "agent1", "agent2")) {
      for (String line : docker("logs", "--since", since.toString(), container(service)).lines().toList()) {
        if ((line.contains("leadership ") && line.contains(" -> ")) || line.contains("stopped serving")
            || line.contains("missed TTL")) {
          String at = line.strip().replaceAll("^\\s*([0-9T:.\\-]+Z).*", "$1");
          events.add(at + " " + service + ": " + line.strip());
        }
      }
    }
    events.sort(null);
    return events;
  }

  public static String docker(String... args) {
    List<String> command = new ArrayList<>();
    command.add("docker");
    command.addAll(List.of(args));
    return run(command);
  }

  public static String run(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
      if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not finish in " + COMMAND_TIMEOUT);
      }
      String out = output.get(5, TimeUnit.SECONDS);
      if (process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + out.strip());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (Exception e) {
      throw e instanceof IllegalStateException ise ? ise : new IllegalStateException(e);
    }
  }

  private static String readAll(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
