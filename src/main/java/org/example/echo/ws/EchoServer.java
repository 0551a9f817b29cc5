package org.example.echo.ws;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.pathmap.RegexPathSpec;
import org.eclipse.jetty.io.EndPoint;
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
import org.example.echo.cluster.ClusterView;
import org.example.echo.core.InstanceDirectory;
import org.example.echo.core.RoleStatus;
import org.example.echo.core.TrafficGate;
import org.example.echo.metrics.ServiceMetrics;
import org.example.echo.metrics.WebSocketMetrics;
import org.example.echo.metrics.WebSocketMetrics.Refusal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket echo transport on Jetty 12: echo at {@code /}, health at {@code /healthz}, metrics at {@code
 * /metrics}, the cluster at {@code /cluster}. It serves echo
 * traffic only while its {@link #gate()} is open; a closed gate answers upgrades with 503.
 */
public final class EchoServer {

  private static final Logger log = LoggerFactory.getLogger(EchoServer.class);
  private static final long HTTP_IDLE_TIMEOUT_MIN_MS = 10_000;
  private static final long DEFAULT_STOP_TIMEOUT_MS = 2_000;
  private static final long SHUTDOWN_IDLE_TIMEOUT_MS = 50;

  /** On every accepted upgrade: the address:port the client (or proxy) reached, naming the serving instance. */
  public static final String INSTANCE_HEADER = "X-Echo-Instance";

  private final EchoSettings settings;
  private final ConnectionGate gate = new ConnectionGate();
  private final Server server;
  private final ServerConnector connector;
  private final ConnectionLimits limits;
  private final WebSocketMetrics metrics;

  /** With metrics of its own and no other instances (tests). */
  public EchoServer(EchoSettings settings, Supplier<RoleStatus> roleStatus) {
    this(settings, roleStatus, new ServiceMetrics(), ClusterView.of("echo", InstanceDirectory.none()));
  }

  /** Records into {@code metrics} and serves them on {@code /metrics}; {@code /cluster} shows {@code cluster}. */
  public EchoServer(
      EchoSettings settings, Supplier<RoleStatus> roleStatus, ServiceMetrics metrics, ClusterView cluster) {
    this.settings = settings;
    this.metrics = metrics.websocket();
    this.server = new Server(threadPool());
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    // No acceptor thread (a selector accepts) and one selector per core: WebSocket reads run on the selectors
    // themselves (InlineReadEndPoint), so they are the server's parallelism. On 2 cores shared with a
    // multi-threaded load client (goclient) two selectors echoed 1.00–1.42× what one did; a single-threaded
    // client (check --client nio) got less from them (0.71–1.12×), but clients are many in production.
    // Measured on 2 cores only.
    this.limits = new ConnectionLimits(
        settings.maxConnections(), settings.maxConnectionsPerClient(), settings.trustedProxies());
    this.connector = new EchoConnector(server, selectors(), limits, this.metrics, new HttpConnectionFactory(http));
    connector.setHost(settings.host());
    connector.setPort(settings.port());
    connector.setAcceptQueueSize(4096);
    // Plain HTTP and the upgrade request itself; WebSocket connections use --idle-timeout (set below).
    // Never shorter than 10 s, so a short WebSocket idle timeout cannot cut a handshake on a busy machine.
    connector.setIdleTimeout(Math.max(settings.idleTimeout().toMillis(), HTTP_IDLE_TIMEOUT_MIN_MS));
    // Once stopping, an idle connection (opened ahead of its request) closes after 50 ms, not Jetty's 1 s, which
    // held every SIGTERM for that long; a request in progress is not idle and completes.
    connector.setShutdownIdleTimeout(SHUTDOWN_IDLE_TIMEOUT_MS);
    connector.addEventListener(new HeaderDeadline(settings.headerTimeout(), connector.getScheduler()));
    server.addConnector(connector);
    metrics.bindJetty(server, server.getThreadPool());
    this.metrics.openConnections(gate::size);

    WebSocketUpgradeHandler websocket = WebSocketUpgradeHandler.from(server, this::configure);
    WebSocketExtensions.negotiateOnly(server, settings.permessageDeflate());
    websocket.setHandler(
        HttpRoutes.of(roleStatus, gate::size, settings.version(), Clock.systemUTC(), metrics::scrape, cluster));
    server.setHandler(new UpgradeRequestCheck(websocket));
    server.setErrorHandler(new Responses.ClosingErrorHandler());
    server.setStopTimeout(DEFAULT_STOP_TIMEOUT_MS);
  }

  /**
   * A small pool sized to the cores: a thread for each selector, which keeps it for good, and the rest for
   * closing connections, rendering metrics and completions of writes that had to wait for the socket. Accepts,
   * HTTP requests, upgrades and WebSocket reads run on the selectors (EchoConnector, HttpRoutes,
   * InlineReadEndPoint). No endpoint code blocks, so more threads would only wait; one reserved thread lets a
   * selector hand off producing when a task must go to the pool.
   */
  private static QueuedThreadPool threadPool() {
    int cores = Runtime.getRuntime().availableProcessors();
    int max = selectors() + Math.max(3, 2 * cores);
    QueuedThreadPool pool = new QueuedThreadPool(max, Math.min(max, 4));
    pool.setReservedThreads(1);
    pool.setName("echo");
    return pool;
  }

  private static int selectors() {
    return Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  private void configure(ServerWebSocketContainer container) {
    long limit = settings.readLimit() > 0 ? settings.readLimit() : -1;
    container.setMaxTextMessageSize(limit);
    container.setMaxBinaryMessageSize(limit);
    container.setIdleTimeout(settings.idleTimeout());
    // The endpoint never blocks (replies are asynchronous). In Jetty 12.1 this covers the upgrade; the reads
    // of frames are made non-blocking by InlineReadEndPoint.
    container.setInvocationType(Invocable.InvocationType.NON_BLOCKING);
    RegexPathSpec echo = new RegexPathSpec("^/$");
    container.addMapping(echo, this::upgrade);
    // Text messages reach the endpoint as bytes, not decoded into Strings (TextEchoFrameHandler).
    TextEchoNegotiator.install(container, echo);
  }

  private Object upgrade(ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
    String remote = ClientAddress.of(request, settings.trustedProxies());
    String origin = request.getHeaders().get(HttpHeader.ORIGIN);
    if (!settings.origins().allows(origin, request.getHeaders().get(HttpHeader.HOST))) {
      log.atWarn().addKeyValue("remote", remote).addKeyValue("origin", origin)
          .log("remote={} upgrade refused: origin {} is not allowed (see --allowed-origins)", remote,
              ClientText.quoted(origin));
      metrics.upgradeRefused(Refusal.ORIGIN);
      Responses.text(response, callback, HttpStatus.FORBIDDEN_403,
          "origin not allowed: " + ClientText.escaped(origin) + "\n");
      return null;
    }
    long period = gate.period(); // taken first: a close after it makes the connection's open refuse it
    if (!gate.isOpen()) {
      log.atInfo().addKeyValue("remote", remote).log("remote={} upgrade refused: not serving (standby)", remote);
      metrics.upgradeRefused(Refusal.STANDBY);
      response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
      Responses.text(
          response, callback, HttpStatus.SERVICE_UNAVAILABLE_503, "not serving: this instance is a standby\n");
      return null;
    }
    response.getHeaders().put(INSTANCE_HEADER, instance(request));
    Scheduler scheduler = server.getScheduler();
    EchoEndpoint endpoint = new EchoEndpoint(gate.nextConnectionId(), period, remote, gate, scheduler,
        server.getThreadPool(), turnOf(request), settings.sendQueueLimit(), metrics);
    request.setAttribute(TextEchoNegotiator.ENDPOINT, endpoint); // for its text frames (TextEchoNegotiator)
    return endpoint;
  }

  private static String instance(ServerUpgradeRequest request) {
    SocketAddress local = request.getConnectionMetaData().getLocalSocketAddress();
    return local instanceof InetSocketAddress a ? a.getAddress().getHostAddress() + ":" + a.getPort() : "unknown";
  }

  /** The selector turns of the connection's end point (InlineReadEndPoint), or none: every message a new turn. */
  private static IntSupplier turnOf(ServerUpgradeRequest request) {
    if (request.getConnectionMetaData().getConnection().getEndPoint() instanceof InlineReadEndPoint endPoint) {
      return endPoint::turn;
    }
    int[] never = {0};
    return () -> ++never[0];
  }

  public void start() throws Exception {
    server.start();
    log.info(
        "listening on {}:{} (read limit {}, idle timeout {} ms, header timeout {} ms, max connections {}, "
            + "per client {}, permessage-deflate {})",
        settings.host(),
        port(),
        settings.readLimit() > 0 ? settings.readLimit() + " bytes" : "off",
        settings.idleTimeout().toMillis(),
        settings.headerTimeout().toMillis(),
        limits.max(),
        settings.maxConnectionsPerClient() > 0 ? settings.maxConnectionsPerClient() : "off",
        settings.permessageDeflate() ? "on" : "off");
  }

  public int port() {
    return connector.getLocalPort();
  }

  /** The server's open sockets, plain HTTP and WebSocket; for tests of how they are read. */
  Collection<EndPoint> endPoints() {
    return connector.getConnectedEndPoints();
  }

  /** Whether Jetty may handle a request on the selector thread that read it (NON_BLOCKING), for tests. */
  Invocable.InvocationType invocationType() {
    return server.getInvocationType();
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
   * go; then cuts off those still there (a client that neither reads nor answers the close would keep its
   * connection until its idle timeout). The listener stays up, so proxies still get a fast answer until
   * {@link #stop()}.
   */
  public void closeConnections(Duration grace) {
    gate.close(1001, "server shutting down");
    if (!gate.awaitEmpty(grace)) {
      log.warn("{} connection(s) still open after {} ms; cutting them off", gate.size(), grace.toMillis());
      gate.disconnectAll();
    }
  }

  /** Stops listening and stops Jetty. */
  public void stop() {
    stop(Duration.ofMillis(DEFAULT_STOP_TIMEOUT_MS));
  }

  /**
   * Stops listening and stops Jetty, giving its graceful phase and its threads at most {@code timeout}: what is
   * still open then is closed.
   */
  public void stop(Duration timeout) {
    long ms = Math.max(1, timeout.toMillis());
    server.setStopTimeout(Math.min(DEFAULT_STOP_TIMEOUT_MS, ms / 2));
    if (server.getThreadPool() instanceof QueuedThreadPool pool) {
      pool.setStopTimeout(ms / 2);
    }
    try {
      server.stop();
    } catch (Exception e) {
      log.warn("error while stopping Jetty: {}", e.toString());
    }
    log.info("stopped");
  }
}
