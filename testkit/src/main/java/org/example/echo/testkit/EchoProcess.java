package org.example.echo.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.example.echo.common.WebSocketUpgrade;

/**
 * One real JVM of the built jar in Consul mode, reaching Consul through its own {@link TcpProxy} so a test can
 * cut it off. Output goes to {@code target/it-logs/<name>.log}.
 */
public final class EchoProcess implements AutoCloseable {
  private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newHttpClient();
  private static final java.util.regex.Pattern ROLE =
      java.util.regex.Pattern.compile("\"role\"\\s*:\\s*\"([a-z]+)\"");
  private static final java.util.regex.Pattern SECONDS_IN_ROLE =
      java.util.regex.Pattern.compile("\"secondsInRole\"\\s*:\\s*(\\d+)");

  public final String name;
  public final int port;
  public final TcpProxy consulLink;
  public final Path log;
  private final Process process;

  private EchoProcess(String name, int port, TcpProxy consulLink, Path log, Process process) {
    this.name = name;
    this.port = port;
    this.consulLink = consulLink;
    this.log = log;
    this.process = process;
  }

  public static EchoProcess start(String name, URI consul, String service) throws IOException {
    return start(name, consul, service, new String[0]);
  }

  /** With more options on its command line, e.g. {@code --log-format json}. */
  public static EchoProcess start(String name, URI consul, String service, String... options) throws IOException {
    TcpProxy link = new TcpProxy(consul.getHost(), consul.getPort());
    int port = freePort();
    Path logs = Path.of("target", "it-logs");
    Files.createDirectories(logs);
    Path log = logs.resolve(service + "-" + name + ".log");
    String jar = System.getenv().getOrDefault("ECHO_JAR", "target/echo-service.jar");
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-Xss512k", "-Xmx128m", "-Decho.it.run=" + ConsulFixture.RUN));
    cmd.addAll(coverageAgent(service + "-" + name));
    cmd.addAll(List.of(
        "-jar", jar,
        "--host", "127.0.0.1", "--port", String.valueOf(port),
        "--consul", "http://127.0.0.1:" + link.port(),
        "--service-name", service,
        "--advertise-address", "127.0.0.1"));
    cmd.addAll(List.of(options));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().remove("CONSUL_HTTP_ADDR");
    return new EchoProcess(name, port, link, log, pb.start());
  }

  public long pid() {
    return process.pid();
  }

  public URI uri() {
    return URI.create("ws://127.0.0.1:" + port + "/");
  }

  /** The HTTP status of a WebSocket upgrade right now: 101 serving, 503 standby, -1 not listening. */
  public int upgradeStatus() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 300);
      s.setSoTimeout(500);
      OutputStream out = s.getOutputStream();
      out.write(WebSocketUpgrade.request(uri(), WebSocketUpgrade.newKey()));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] line = new byte[12];
      int n = 0;
      while (n < 12) {
        int r = in.read(line, n, 12 - n);
        if (r < 0) {
          return -1;
        }
        n += r;
      }
      return Integer.parseInt(new String(line, 9, 3, StandardCharsets.US_ASCII));
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  /** The role /healthz reports ({@code leader}, {@code standby}, …), or {@code ?} when it does not answer. */
  public String role() {
    java.util.regex.Matcher m = ROLE.matcher(health());
    return m.find() ? m.group(1) : "?";
  }

  /** Whole seconds in the current role, as /healthz reports them; -1 when it does not answer. */
  public long secondsInRole() {
    java.util.regex.Matcher m = SECONDS_IN_ROLE.matcher(health());
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  private String health() {
    try {
      return HTTP.send(
              java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                  .timeout(java.time.Duration.ofMillis(500)).build(),
              java.net.http.HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  public boolean serving() {
    return upgradeStatus() == 101;
  }

  public void sigterm() {
    process.destroy();
  }

  public void sigkill() {
    process.destroyForcibly();
  }

  public int awaitExit(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      throw new AssertionError(name + " did not exit within " + seconds + " s");
    }
    return process.exitValue();
  }

  public boolean alive() {
    return process.isAlive();
  }

  public String output() throws IOException {
    return Files.readString(log);
  }

  /**
   * When this test JVM runs under JaCoCo (Failsafe with prepare-agent-integration), the instances do too,
   * writing to target/coverage-it/, which the merged coverage report picks up. A SIGKILLed one writes nothing.
   */
  private static List<String> coverageAgent(String id) {
    for (String arg : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("-javaagent:") && arg.contains("jacoco")) {
        int eq = arg.indexOf('=');
        String agentJar = arg.substring("-javaagent:".length(), eq > 0 ? eq : arg.length());
        Path exec = Path.of("target", "coverage-it", id + ".exec").toAbsolutePath();
        return List.of("-javaagent:" + agentJar + "=destfile=" + exec);
      }
    }
    return List.of();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws IOException {
    try {
      if (process.isAlive()) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      consulLink.close();
    }
  }

  @Override
  public String toString() {
    return name + "(:" + port + ")";
  }
}
