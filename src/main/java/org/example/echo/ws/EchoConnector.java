package org.example.echo.ws;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
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

  EchoConnector(Server server, int selectors, ConnectionLimits limits, ConnectionFactory factory) {
    super(server, 0, selectors, factory);
    this.limits = limits;
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
    public Connection newConnection(SelectableChannel channel, EndPoint endPoint, Object attachment)
        throws IOException {
      String refusal = limits.admit(endPoint, peer(endPoint));
      if (refusal == null) {
        return super.newConnection(channel, endPoint, attachment);
      }
      refusals.warn("refused a connection from " + endPoint.getRemoteSocketAddress() + ": " + refusal);
      return new RefusedConnection(endPoint, getExecutor(), refusal);
    }

    @Override
    protected void endPointClosed(EndPoint endPoint) {
      limits.release(endPoint);
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

  private static InetAddress peer(EndPoint endPoint) {
    SocketAddress remote = endPoint.getRemoteSocketAddress();
    return remote instanceof InetSocketAddress socket ? socket.getAddress() : null;
  }
}
