package org.example.echo.ws;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.Scheduler;
import org.example.echo.metrics.WebSocketMetrics;
import org.example.echo.metrics.WebSocketMetrics.Refusal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening socket: reads of WebSocket connections on the selector ({@link InlineReadEndPoint}), the
 * connection limits ({@link ConnectionLimits}: over them a connection gets a one-line 503), and at the open-file
 * limit one WARN line a second and a short pause in accepting instead of a stack trace per attempt.
 */
final class EchoConnector extends ServerConnector {

  private static final Logger log = LoggerFactory.getLogger(EchoConnector.class);
  /** How long accepting pauses after the system refused a socket (no file descriptor left). */
  static final long ACCEPT_PAUSE_MS = 100;

  private final ConnectionLimits limits;
  private final RateLimitedLog refusals = new RateLimitedLog(log, Duration.ofSeconds(1));
  private final RateLimitedLog acceptFailures = new RateLimitedLog(log, Duration.ofSeconds(1));
  private final AtomicBoolean acceptPaused = new AtomicBoolean();
  /** Sockets accepted over a limit, until Jetty sets them up as a RefusedConnection. */
  private final Map<SelectableChannel, String> refused = new ConcurrentHashMap<>();
  private final WebSocketMetrics metrics;

  EchoConnector(
      Server server, int selectors, ConnectionLimits limits, WebSocketMetrics metrics, ConnectionFactory factory) {
    super(server, 0, selectors, factory);
    this.limits = limits;
    this.metrics = metrics;
  }

  @Override
  protected SocketChannelEndPoint newEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key) {
    SocketChannelEndPoint endPoint = new InlineReadEndPoint(channel, selector, key, getScheduler());
    endPoint.setIdleTimeout(getIdleTimeout());
    return endPoint;
  }

  @Override
  protected SelectorManager newSelectorManager(Executor executor, Scheduler scheduler, int selectors) {
    return new LimitedManager(executor, scheduler, selectors);
  }

  /** Accepts, counts and refuses; its methods run on the selector and the pool, never blocking. */
  private final class LimitedManager extends ServerConnectorManager {

    LimitedManager(Executor executor, Scheduler scheduler, int selectors) {
      super(executor, scheduler, selectors);
    }

    /**
     * Sets an accepted socket up (its end point and HTTP connection) on the selector that registered it, instead
     * of handing that to a pool thread: it never blocks, and the hand-off cost a thread wake-up per connection
     * (docs/bench.md, "Upgrades on the selector"). Other tasks, such as closing an end point, go to the pool.
     */
    @Override
    protected void execute(Runnable task) {
      if (task instanceof ManagedSelector.SelectorUpdate) {
        task.run();
      } else {
        super.execute(task);
      }
    }

    @Override
    protected SelectableChannel doAccept(SelectableChannel server) throws IOException {
      try {
        return super.doAccept(server);
      } catch (IOException e) {
        // Typically "Too many open files". Retrying at once would spin the selector and flood the log.
        acceptFailures.warn("cannot accept connections: " + e.getMessage() + "; pausing accepts for "
            + ACCEPT_PAUSE_MS + " ms (" + limits.open() + " open; see --max-connections)");
        pauseAccepting();
        return null;
      }
    }

    @Override
    protected void accepted(SelectableChannel channel) throws IOException {
      String refusal = limits.admit(channel, peer(channel));
      if (refusal != null) {
        refused.put(channel, refusal);
      }
      try {
        super.accepted(channel);
      } catch (IOException | RuntimeException e) { // Jetty closes the socket: free its place
        refused.remove(channel);
        limits.release(channel);
        throw e;
      }
    }

    @Override
    public Connection newConnection(SelectableChannel channel, EndPoint endPoint, Object attachment)
        throws IOException {
      String refusal = refused.remove(channel);
      if (refusal == null) {
        return super.newConnection(channel, endPoint, attachment);
      }
      metrics.upgradeRefused(Refusal.LIMIT);
      refusals.warn("refused a connection from " + endPoint.getRemoteSocketAddress() + ": " + refusal);
      return new RefusedConnection(endPoint, getExecutor(), refusal);
    }

    @Override
    protected void onAcceptFailed(SelectableChannel channel, Throwable cause) {
      refused.remove(channel);
      limits.release(channel);
      super.onAcceptFailed(channel, cause);
    }

    @Override
    protected void endPointClosed(EndPoint endPoint) {
      if (endPoint instanceof SocketChannelEndPoint socket) {
        limits.release(socket.getChannel());
      }
      super.endPointClosed(endPoint);
    }
  }

  private void pauseAccepting() {
    if (!acceptPaused.compareAndSet(false, true)) {
      return;
    }
    setAccepting(false);
    getScheduler().schedule(() -> {
      acceptPaused.set(false);
      if (isRunning()) {
        setAccepting(true);
      }
    }, ACCEPT_PAUSE_MS, TimeUnit.MILLISECONDS);
  }

  private static InetAddress peer(SelectableChannel channel) {
    try {
      SocketAddress remote = ((SocketChannel) channel).getRemoteAddress();
      return remote instanceof InetSocketAddress socket ? socket.getAddress() : null;
    } catch (IOException | ClassCastException e) {
      return null; // already gone: counted in all only
    }
  }
}
