package org.example.echo.it;

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

/**
 * One real JVM of the built jar in Consul mode, reaching Consul through its own {@link TcpProxy} so a test can
 * cut it off. Output goes to {@code target/it-logs/<name>.log}.
 */
public final class EchoProcess implements AutoCloseable {
  private static final String UPGRADE =
      String.join(
              "\r\n",
              "GET / HTTP/1.1",
              "Host: 127.0.0.1",
              "Upgrade: websocket",
              "Connection: Upgrade",
              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
              "Sec-WebSocket-Version: 13")
          + "\r\n\r\n";

  final String name;
  final int port;
  final TcpProxy consulLink;
  final Path log;
  private final Process process;

  private EchoProcess(String name, int port, TcpProxy consulLink, Path log, Process process) {
    this.name = name;
    this.port = port;
    this.consulLink = consulLink;
    this.log = log;
    this.process = process;
  }

  public static EchoProcess start(String name, URI consul, String service) throws IOException {
    TcpProxy link = new TcpProxy(consul.getHost(), consul.getPort());
    int port = freePort();
    Path logs = Path.of("target", "it-logs");
    Files.createDirectories(logs);
    Path log = logs.resolve(service + "-" + name + ".log");
    String jar = System.getenv().getOrDefault("ECHO_JAR", "target/echo-service.jar");
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-Xss512k", "-Xmx128m", "-Decho.it.run=" + ConsulFixture.RUN,
        "-jar", jar,
        "--host", "127.0.0.1", "--port", String.valueOf(port),
        "--consul", "http://127.0.0.1:" + link.port(),
        "--service-name", service,
        "--advertise-address", "127.0.0.1"));
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
      out.write(UPGRADE.getBytes(StandardCharsets.US_ASCII));
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
