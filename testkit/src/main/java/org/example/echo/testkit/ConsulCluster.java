package org.example.echo.testkit;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.utility.DockerImageName;

/**
 * A real Consul cluster in containers (image from {@code CONSUL_IMAGE}): three servers with
 * {@code raft_multiplier = 1} and one client agent per instance, all with the fast LAN gossip timing
 * (probe 200 ms, suspicion ×3: a failed node is declared after 600 ms at the earliest), on a network of their
 * own. Instances talk to their own agent; tests talk to any member over plain HTTP.
 */
public final class ConsulCluster implements AutoCloseable {
  private static final int HTTP = 8500;
  private static final String TUNING = "performance { raft_multiplier = 1 } "
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
        String addr = get(serverUrl(i), "/v1/status/leader").replace("\"", "").trim();
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

  /** SIGKILLs the raft leader's container; returns its index. */
  public int killLeader() {
    int i = leader().orElseThrow(() -> new IllegalStateException("no raft leader to kill"));
    GenericContainer<?> s = servers.get(i);
    s.getDockerClient().killContainerCmd(s.getContainerId()).exec();
    return i;
  }

  private String ip(int server) {
    return servers.get(server).getContainerInfo().getNetworkSettings().getNetworks().values().iterator().next()
        .getIpAddress();
  }

  private URI serverUrl(int i) {
    GenericContainer<?> s = servers.get(i);
    return URI.create("http://" + s.getHost() + ":" + s.getMappedPort(HTTP));
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
    for (GenericContainer<?> c : agents) {
      c.stop();
    }
    for (GenericContainer<?> c : servers) {
      c.stop();
    }
    network.close();
  }
}
