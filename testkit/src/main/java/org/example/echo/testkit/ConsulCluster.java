package org.example.echo.testkit;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.utility.DockerImageName;

/**
 * A real Consul cluster in containers (image from {@code CONSUL_IMAGE}): three servers with
 * {@code raft_multiplier = 1} and one client agent per instance, all with {@code rpc_hold_timeout = 1s} and the
 * fast LAN gossip timing (probe 200 ms, suspicion ×3: a failed node is declared after 600 ms at the earliest),
 * as in {@code consul/}, on a network of their own. Instances talk to their own agent; tests talk to any member
 * over plain HTTP, and kill, stop and start servers (by index, 0–2) to see what Consul's own failures do to the
 * service. {@code CONSUL_EXTRA_HCL} adds HCL to every member's command line (after the above), to measure
 * another Consul setting with the same tests.
 */
public final class ConsulCluster implements AutoCloseable {
  private static final int HTTP = 8500;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TUNING = "performance { raft_multiplier = 1 rpc_hold_timeout = \"1s\" } "
      + "gossip_lan { probe_interval = \"200ms\" probe_timeout = \"100ms\" suspicion_mult = 3 "
      + "gossip_interval = \"100ms\" }";

  private final Network network = Network.newNetwork();
  private final List<GenericContainer<?>> servers = new ArrayList<>();
  private final List<GenericContainer<?>> agents = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

  public ConsulCluster(int agentCount) {
    try {
      for (int i = 1; i <= 3; i++) {
        servers.add(member("server" + i, true));
      }
      for (int i = 1; i <= agentCount; i++) {
        agents.add(member("agent" + i, false));
      }
      servers.forEach(GenericContainer::start);
      agents.forEach(GenericContainer::start);
      await("a raft leader and " + (3 + agentCount) + " members").atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200)).ignoreExceptions()
          .until(() -> leader().isPresent()
              && get(agentUrl(0), "/v1/agent/members").split("\"Status\":1").length - 1 == 3 + agentCount);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  @SuppressWarnings("resource") // closed in close()
  private GenericContainer<?> member(String name, boolean server) {
    String image = System.getenv().getOrDefault("CONSUL_IMAGE", "hashicorp/consul:1.20");
    List<String> cmd = new ArrayList<>(List.of("agent", "-node=" + name, "-client=0.0.0.0",
        "-bind={{ GetInterfaceIP \"eth0\" }}", "-data-dir=/tmp/consul", "-log-level=warn",
        "-retry-join=server1", "-retry-join=server2", "-retry-join=server3", "-retry-interval=1s",
        "-hcl", TUNING));
    if (server) {
      cmd.addAll(List.of("-server", "-bootstrap-expect=3"));
    }
    String extra = System.getenv().getOrDefault("CONSUL_EXTRA_HCL", "");
    if (!extra.isBlank()) {
      cmd.addAll(List.of("-hcl", extra));
    }
    return new GenericContainer<>(DockerImageName.parse(image))
        .withNetwork(network)
        .withNetworkAliases(name)
        .withCommand(cmd.toArray(String[]::new))
        .withExposedPorts(HTTP)
        .withLabel("echo.it.run", ConsulFixture.RUN);
  }

  /** The HTTP address of the i-th client agent, for the i-th instance. */
  public URI agentUrl(int i) {
    GenericContainer<?> a = agents.get(i);
    return URI.create("http://" + a.getHost() + ":" + a.getMappedPort(HTTP));
  }

  public List<URI> agentUrls() {
    List<URI> urls = new ArrayList<>();
    for (int i = 0; i < agents.size(); i++) {
      urls.add(agentUrl(i));
    }
    return urls;
  }

  /** The server that is raft leader now, as a live server sees it. */
  public Optional<Integer> leader() {
    for (int i = 0; i < servers.size(); i++) {
      GenericContainer<?> s = servers.get(i);
      if (!s.isRunning()) {
        continue;
      }
      try {
        String addr = leaderNamedBy(i);
        for (int j = 0; j < servers.size(); j++) {
          if (!addr.isEmpty() && servers.get(j).isRunning() && addr.startsWith(ip(j) + ":")) {
            return Optional.of(j);
          }
        }
      } catch (IOException e) {
        // ask the next one
      }
    }
    return Optional.empty();
  }

  /** A crash: SIGKILL, so nobody's connection to the server is closed; its address simply stops answering. */
  public void kill(int server) {
    GenericContainer<?> s = servers.get(server);
    s.getDockerClient().killContainerCmd(s.getContainerId()).exec();
  }

  /**
   * {@code docker stop}: SIGTERM. A Consul server's {@code leave_on_terminate} is false, so it exits without
   * leaving the cluster or handing raft leadership over; it closes its connections, though.
   */
  public void stop(int server) {
    GenericContainer<?> s = servers.get(server);
    s.getDockerClient().stopContainerCmd(s.getContainerId()).withTimeout(10).exec();
  }

  /**
   * Starts a stopped or killed server's container again: the same data directory, so the same node ID and raft
   * state, and it rejoins as the member it was. Its address and published port may be new ({@link #ip},
   * {@link #serverUrl} ask Docker each time).
   */
  public void start(int server) {
    GenericContainer<?> s = servers.get(server);
    s.getDockerClient().startContainerCmd(s.getContainerId()).exec();
  }

  /** The running servers that are not the raft leader (empty while there is none). */
  public List<Integer> followers() {
    Optional<Integer> leader = leader();
    List<Integer> followers = new ArrayList<>();
    for (int i = 0; leader.isPresent() && i < servers.size(); i++) {
      if (i != leader.get() && servers.get(i).isRunning()) {
        followers.add(i);
      }
    }
    return followers;
  }

  /**
   * The servers the i-th agent has an RPC connection to (port 8300, from its /proc/net/tcp): the ones whose loss
   * its calls can hang on.
   */
  public List<Integer> serversUsedBy(int agent) throws IOException {
    String tcp;
    try {
      tcp = agents.get(agent).execInContainer("cat", "/proc/net/tcp").getStdout();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    List<Integer> used = new ArrayList<>();
    for (String line : tcp.lines().toList()) {
      String[] f = line.trim().split("\\s+", -1);
      // sl local_address rem_address st ...: remote "0A00000B:206C" (little-endian IPv4, port 8300), 01 = ESTABLISHED
      if (f.length > 3 && f[2].endsWith(":206C") && f[3].equals("01")) {
        int ip = Integer.reverseBytes(Integer.parseUnsignedInt(f[2].substring(0, 8), 16));
        String addr = (ip >>> 24) + "." + ((ip >>> 16) & 0xff) + "." + ((ip >>> 8) & 0xff) + "." + (ip & 0xff);
        for (int i = 0; i < servers.size(); i++) {
          if (servers.get(i).isRunning() && addr.equals(ip(i)) && !used.contains(i)) {
            used.add(i);
          }
        }
      }
    }
    return used;
  }

  /**
   * Waits until the cluster is whole again, what an operator checks before touching the next server: a raft
   * leader that every server names, three voters in its raft configuration, autopilot healthy with three alive
   * voters and a failure tolerance of one, and a consistent read answered through every agent. Returns what the
   * wait was for: the conditions that still failed in the last round before all held, and when that round began
   * (ms after this call), or "none" if all held at the first.
   */
  public String awaitHealthy(Duration atMost) {
    long start = System.nanoTime();
    AtomicReference<String> lastFailing = new AtomicReference<>("none");
    await("a healthy cluster: leader, 3 alive voters, consistent reads").atMost(atMost)
        .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
        .until(() -> {
          long round = System.nanoTime();
          // Every condition is asked in every round, so a slow recovery can say which ones it waited for.
          List<String> failing = new ArrayList<>();
          if (leader().isEmpty()) {
            failing.add("a raft leader");
          }
          if (!autopilotHealthy()) {
            failing.add("autopilot healthy");
          }
          if (!everyServerNamesOneLeader()) {
            failing.add("every server naming the same leader");
          }
          if (!threeVoters()) {
            failing.add("three voters in the raft configuration");
          }
          if (!agentUrls().stream().allMatch(this::consistentRead)) {
            failing.add("consistent reads through every agent");
          }
          if (!failing.isEmpty()) {
            lastFailing.set(String.join(", ", failing) + " (still failing "
                + Duration.ofNanos(round - start).toMillis() + " ms into the wait)");
          }
          return failing.isEmpty();
        });
    return lastFailing.get();
  }

  /**
   * Every server, asked itself, names the same raft leader: a server just started names none until the leader's
   * first AppendEntries reaches it. Autopilot's health can still show the state from before a quick restart, and
   * stopping the next server before this one is back would leave the leader without a quorum.
   */
  private boolean everyServerNamesOneLeader() {
    Set<String> named = new HashSet<>();
    for (int i = 0; i < servers.size(); i++) {
      try {
        named.add(leaderNamedBy(i));
      } catch (IOException e) {
        return false;
      }
    }
    return named.size() == 1 && !named.contains("");
  }

  /** The raft leader's address as server i itself names it ("" while it knows none). */
  private String leaderNamedBy(int server) throws IOException {
    return get(serverUrl(server), "/v1/status/leader").replace("\"", "").trim();
  }

  /**
   * The leader's raft configuration, read now, lists three voters. A server that was away long enough for gossip
   * to declare it failed comes back as a non-voter until autopilot promotes it (server_stabilization_time), and
   * autopilot's health report can still show it as a voter from before: stopping another server then leaves the
   * leader without a quorum.
   */
  private boolean threeVoters() {
    try {
      int voters = 0;
      for (JsonNode s : JSON.readTree(get(agentUrl(0), "/v1/operator/raft/configuration")).path("Servers")) {
        voters += s.path("Voter").asBoolean() ? 1 : 0;
      }
      return voters == 3;
    } catch (IOException e) {
      return false;
    }
  }

  private boolean autopilotHealthy() {
    try {
      return healthy(get(agentUrl(0), "/v1/operator/autopilot/health"));
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean healthy(String autopilot) throws IOException {
    JsonNode h = JSON.readTree(autopilot);
    int alive = 0;
    for (JsonNode s : h.path("Servers")) {
      if (s.path("Voter").asBoolean() && s.path("Healthy").asBoolean() && "alive".equals(s.path("SerfStatus")
          .asText())) {
        alive++;
      }
    }
    return h.path("Healthy").asBoolean() && h.path("FailureTolerance").asInt() == 1 && alive == 3;
  }

  /** Whether a consistent read (what the holder's confirmation is) answers through this member now. */
  public boolean consistentRead(URI member) {
    try {
      get(member, "/v1/kv/consul-cluster-probe?consistent");
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Server i's address on the cluster network, from Docker now (a restarted container may have a new one). */
  public String ip(int server) {
    return inspect(server).getNetworkSettings().getNetworks().values().iterator().next().getIpAddress();
  }

  /** Server i's HTTP address on this host, from Docker now (a restarted container gets a new host port). */
  private URI serverUrl(int i) throws IOException {
    Ports.Binding[] b = inspect(i).getNetworkSettings().getPorts().getBindings().get(ExposedPort.tcp(HTTP));
    if (b == null || b.length == 0) {
      throw new IOException("server" + (i + 1) + " is not running");
    }
    return URI.create("http://" + servers.get(i).getHost() + ":" + b[0].getHostPortSpec());
  }

  private InspectContainerResponse inspect(int server) {
    GenericContainer<?> s = servers.get(server);
    return s.getDockerClient().inspectContainerCmd(s.getContainerId()).exec();
  }

  /** GET through a member; the body, or an IOException for a failed call or a status other than 2xx/404. */
  public String get(URI member, String path) throws IOException {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(member.resolve(path))
          .timeout(Duration.ofMillis(500)).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() >= 300 && r.statusCode() != 404) {
        throw new IOException(r.statusCode() + " " + r.body());
      }
      return r.body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  @Override
  public void close() {
    keepLogs();
    for (GenericContainer<?> c : agents) {
      c.stop();
    }
    for (GenericContainer<?> c : servers) {
      c.stop();
    }
    network.close();
  }

  /** Every member's log to {@code target/it-logs/consul-<network>-<member>.log}, beside the instances' logs. */
  private void keepLogs() {
    List<GenericContainer<?>> members = new ArrayList<>(servers);
    members.addAll(agents);
    for (GenericContainer<?> c : members) {
      try {
        Path dir = Files.createDirectories(Path.of("target", "it-logs"));
        String member = c.getNetworkAliases().stream().filter(a -> a.matches("(server|agent)\\d+")).findFirst()
            .orElse(c.getContainerId());
        Files.writeString(dir.resolve("consul-" + network.getId().substring(0, 8) + "-" + member + ".log"),
            c.getLogs());
      } catch (IOException | RuntimeException e) {
        System.err.println("could not keep a Consul member's log: " + e);
      }
    }
  }
}
