package org.example.echo.testkit;

import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * A real Consul dev agent in a container (image from {@code CONSUL_IMAGE}), reached through a {@link TcpProxy}
 * so its address survives a container restart. Tests talk to it over plain HTTP.
 */
public final class ConsulFixture implements AutoCloseable {
  private static final int HTTP = 8500;

  /** Set by ./test-integration.sh so its exit trap can remove what a crashed test JVM left behind. */
  public static final String RUN = System.getenv().getOrDefault("ECHO_IT_RUN", "manual");

  private final GenericContainer<?> container;
  private final TcpProxy proxy;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @SuppressWarnings("resource") // closed in close()
  public ConsulFixture() throws IOException {
    String image = System.getenv().getOrDefault("CONSUL_IMAGE", "hashicorp/consul:1.20");
    container =
        new GenericContainer<>(DockerImageName.parse(image))
            .withCommand("agent", "-dev", "-client", "0.0.0.0", "-log-level", "warn")
            .withExposedPorts(HTTP)
            .withLabel("echo.it.run", RUN)
            .waitingFor(Wait.forHttp("/v1/status/leader").forResponsePredicate(b -> b.contains(":")));
    container.start();
    proxy = new TcpProxy(container.getHost(), container.getMappedPort(HTTP));
    awaitReady();
  }

  /** Consul's address as the instances and the tests use it (the proxy's). */
  public URI url() {
    return URI.create("http://127.0.0.1:" + proxy.port());
  }

  /** Restarts the dev agent (it forgets everything) and points the proxy at its possibly new port. */
  public void restart() {
    String id = container.getContainerId();
    container.getDockerClient().restartContainerCmd(id).withTimeout(5).exec();
    Ports.Binding[] bindings =
        container.getDockerClient().inspectContainerCmd(id).exec().getNetworkSettings().getPorts()
            .getBindings().get(ExposedPort.tcp(HTTP));
    proxy.retarget(container.getHost(), Integer.parseInt(bindings[0].getHostPortSpec()));
    awaitReady();
  }

  private void awaitReady() {
    await("Consul has a leader").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(() -> get("/v1/status/leader").contains(":"));
  }

  public String get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(url().resolve(path)).GET());
  }

  public String put(String path, String body) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(url().resolve(path)).PUT(HttpRequest.BodyPublishers.ofString(body)));
  }

  private String send(HttpRequest.Builder b) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 300 && r.statusCode() != 404) {
      throw new IOException(r.statusCode() + " " + r.body());
    }
    return r.body();
  }

  @Override
  public void close() throws IOException {
    try {
      proxy.close();
    } finally {
      container.stop();
    }
  }
}
