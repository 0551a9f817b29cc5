package org.example.echo.ws;

import com.fasterxml.jackson.databind.node.TextNode;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.pathmap.RegexPathSpec;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.Scheduler;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.example.echo.core.RoleStatus;
import org.example.echo.core.TrafficGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket echo transport on Jetty 12: echo at {@code /}, health at {@code /healthz}. It serves echo
 * traffic only while its {@link #gate()} is open; a closed gate answers upgrades with 503.
 */
public final class EchoServer {

  private static final Logger log = LoggerFactory.getLogger(EchoServer.class);
  private static final long HTTP_IDLE_TIMEOUT_MIN_MS = 10_000;
  /** On every accepted upgrade: the address:port the client (or proxy) reached, naming the serving instance. */
  public static final String INSTANCE_HEADER = "X-Echo-Instance";

  private final EchoSettings settings;
  private final ConnectionGate gate = new ConnectionGate();
  private final Server server;
  private final ServerConnector connector;

  public EchoServer(EchoSettings settings, Supplier<RoleStatus> roleStatus) {
    this.settings = settings;
    this.server = new Server(threadPool());
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    // No acceptor thread (the selector accepts) and one selector per two cores. WebSocket reads run on the
    // selector itself (InlineReadEndPoint); on 2 cores shared with the load client a second selector lost
    // 15 % of the echo rate (bench: 79–80k vs 66–69k msgs/s).
    this.connector =
        new ServerConnector(server, 0, selectors(), new HttpConnectionFactory(http)) {
          @Override
          protected SocketChannelEndPoint newEndPoint(
              SocketChannel channel, ManagedSelector selector, SelectionKey key) {
            SocketChannelEndPoint endPoint = new InlineReadEndPoint(channel, selector, key, getScheduler());
            endPoint.setIdleTimeout(getIdleTimeout());
            return endPoint;
          }
        };
    connector.setHost(settings.host());
    connector.setPort(settings.port());
    connector.setAcceptQueueSize(4096);
    // Plain HTTP and the upgrade request itself; WebSocket connections use --idle-timeout (set below).
    // Never shorter than 10 s, so a short WebSocket idle timeout cannot cut a handshake on a busy machine.
    connector.setIdleTimeout(Math.max(settings.idleTimeout().toMillis(), HTTP_IDLE_TIMEOUT_MIN_MS));
    server.addConnector(connector);

    WebSocketUpgradeHandler websocket = WebSocketUpgradeHandler.from(server, this::configure);
    websocket.setHandler(HttpRoutes.of(roleStatus, gate::size, settings.version(), Clock.systemUTC()));
    server.setHandler(websocket);
    server.setStopTimeout(2_000);
  }

  /**
   * A small pool sized to the cores. WebSocket reads do not use it (see {@link InlineReadEndPoint}); it runs
   * plain HTTP requests, the upgrades and completions of writes that had to wait for the socket. No endpoint
   * code blocks, so more threads would only wait; one reserved thread lets the selector hand off producing
   * instead of queueing a task when an HTTP request arrives.
   */
  private static QueuedThreadPool threadPool() {
    int cores = Runtime.getRuntime().availableProcessors();
    int max = Math.max(4, 2 * cores);
    QueuedThreadPool pool = new QueuedThreadPool(max, Math.min(max, 4));
    pool.setReservedThreads(1);
    pool.setName("echo");
    return pool;
  }

  private static int selectors() {
    return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
  }

  private void configure(ServerWebSocketContainer container) {
    long limit = settings.readLimit() > 0 ? settings.readLimit() : -1;
    container.setMaxTextMessageSize(limit);
    container.setMaxBinaryMessageSize(limit);
    container.setIdleTimeout(settings.idleTimeout());
    // The endpoint never blocks (replies are asynchronous). In Jetty 12.1 this covers the upgrade; the reads
    // of frames are made non-blocking by InlineReadEndPoint.
    container.setInvocationType(Invocable.InvocationType.NON_BLOCKING);
    container.addMapping(new RegexPathSpec("^/$"), this::upgrade);
  }

  private Object upgrade(ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
    String remote = ClientAddress.of(request);
    String origin = request.getHeaders().get(HttpHeader.ORIGIN);
    if (!settings.origins().allows(origin, request.getHeaders().get(HttpHeader.HOST))) {
      log.warn("remote={} upgrade refused: origin {} is not allowed (see --allowed-origins)",
          remote, TextNode.valueOf(origin)); // quoted and escaped: it is client input
      Responses.text(response, callback, HttpStatus.FORBIDDEN_403, "origin not allowed: " + origin + "\n");
      return null;
    }
    if (!gate.isOpen()) {
      log.info("remote={} upgrade refused: not serving (standby)", remote);
      response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
      Responses.text(
          response, callback, HttpStatus.SERVICE_UNAVAILABLE_503, "not serving: this instance is a standby\n");
      return null;
    }
    response.getHeaders().put(INSTANCE_HEADER, instance(request));
    Scheduler scheduler = server.getScheduler();
    return new EchoEndpoint(gate.nextConnectionId(), remote, gate, scheduler, settings.sendQueueLimit());
  }

  private static String instance(ServerUpgradeRequest request) {
    SocketAddress local = request.getConnectionMetaData().getLocalSocketAddress();
    return local instanceof InetSocketAddress a ? a.getAddress().getHostAddress() + ":" + a.getPort() : "unknown";
  }

  public void start() throws Exception {
    server.start();
    log.info(
        "listening on {}:{} (read limit {}, idle timeout {} ms)",
        settings.host(),
        port(),
        settings.readLimit() > 0 ? settings.readLimit() + " bytes" : "off",
        settings.idleTimeout().toMillis());
  }

  public int port() {
    return connector.getLocalPort();
  }

  /** The server's open sockets, plain HTTP and WebSocket; for tests of how they are read. */
  Collection<EndPoint> endPoints() {
    return connector.getConnectedEndPoints();
  }

  public TrafficGate gate() {
    return gate;
  }

  public int openConnections() {
    return gate.size();
  }

  /**
   * Refuses new clients, closes every open one with 1001 (going away), waits up to {@code grace} for them to
   * go, then stops Jetty.
   */
  public void shutdown(Duration grace) {
    closeConnections(grace);
    stop();
  }

  /**
   * Refuses new clients (503) and closes every open one with 1001, waiting up to {@code grace} for them to
   * go. The listener stays up, so proxies still get a fast answer until {@link #stop()}.
   */
  public void closeConnections(Duration grace) {
    gate.close(1001, "server shutting down");
    if (!gate.awaitEmpty(grace)) {
      log.warn("{} connection(s) still open after {} ms; stopping anyway", gate.size(), grace.toMillis());
    }
  }

  /** Stops listening and stops Jetty. */
  public void stop() {
    try {
      server.stop();
    } catch (Exception e) {
      log.warn("error while stopping Jetty: {}", e.toString());
    }
    log.info("stopped");
  }
}
