package org.example.echo.check;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * Non-blocking WebSocket clients sized to hold many thousands of connections with a handful of threads: one
 * selector and one small thread pool shared by every client, one client per source address (a client binds all
 * its sockets to one local address).
 */
final class ClientPool implements AutoCloseable {
  /** Two cores: more threads only add context switches; callbacks here are short and never block. */
  private static final int MAX_THREADS = 8;
  /**
   * Handshakes one check keeps in flight: plenty to keep a server busy (at 1 ms per handshake, 7,000/s needs
   * about 7), few enough that the HTTP client's connection pool, scanned on every request, stays cheap.
   */
  static final int HANDSHAKES_IN_FLIGHT = 128;

  private final QueuedThreadPool threads;
  private final ScheduledExecutorScheduler scheduler;
  private final List<WebSocketClient> clients = new ArrayList<>();

  private ClientPool(QueuedThreadPool threads, ScheduledExecutorScheduler scheduler) {
    this.threads = threads;
    this.scheduler = scheduler;
  }

  /**
   * @param connections how many connections the caller may hold at once, over all clients
   * @param dialTimeout TCP connect timeout
   * @param bindAddresses local addresses to dial from; empty means one client with the OS's choice
   */
  static ClientPool start(int connections, Duration dialTimeout, List<InetAddress> bindAddresses) throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 2);
    // No reserved threads: each hand-off to a parked reserved thread is a wake-up. Measured here (closed loop,
    // 50 connections): about a third less client CPU per echo and a third more echoes/s without them.
    threads.setReservedThreads(0);
    threads.setName("ws-check");
    threads.setDaemon(true);
    ScheduledExecutorScheduler scheduler = new ScheduledExecutorScheduler("ws-check-scheduler", true);
    ClientPool pool = new ClientPool(threads, scheduler);
    try {
      threads.start();
      scheduler.start();
      if (bindAddresses.isEmpty()) {
        pool.addClient(connections, dialTimeout, null);
      }
      for (InetAddress address : bindAddresses) {
        pool.addClient(connections, dialTimeout, address);
      }
    } catch (Exception e) {
      pool.close();
      throw e;
    }
    return pool;
  }

  private void addClient(int connections, Duration dialTimeout, InetAddress bindAddress) throws Exception {
    ClientConnector connector = new ClientConnector();
    connector.setSelectors(1);
    connector.setExecutor(threads);
    connector.setScheduler(scheduler);
    connector.setConnectTimeout(dialTimeout);
    if (bindAddress != null) {
      connector.setBindAddress(new InetSocketAddress(bindAddress, 0));
    }
    HttpClient http = new HttpClient(new HttpClientTransportOverHTTP(connector));
    http.setExecutor(threads);
    http.setScheduler(scheduler);
    // An upgraded connection leaves the HTTP pool, so the pool only holds handshakes in flight, which the
    // callers cap; a pool as large as a burst of dials would cost O(n) per request, O(n^2) per check.
    http.setMaxConnectionsPerDestination(HANDSHAKES_IN_FLIGHT);
    http.setMaxRequestsQueuedPerDestination(Math.max(1024, connections));
    http.setFollowRedirects(false);
    WebSocketClient client = new WebSocketClient(http);
    // Client-side idle timeouts would close held connections and blame the server; the check ends them itself.
    client.setIdleTimeout(Duration.ZERO);
    client.setStopTimeout(1000);
    clients.add(client);
    client.start();
  }

  /** The client for connection number {@code index}: round-robin over the source addresses. */
  WebSocketClient client(int index) {
    return clients.get(Math.floorMod(index, clients.size()));
  }

  /** Stops every client, then the shared threads; a failure to stop is reported after all were tried. */
  @Override
  public void close() {
    RuntimeException failure = null;
    for (LifeCycle component : components()) {
      try {
        component.stop();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure = new IllegalStateException("interrupted while stopping " + component, e);
      } catch (Exception e) {
        failure = new IllegalStateException("stopping " + component + " failed", e);
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private List<LifeCycle> components() {
    List<LifeCycle> all = new ArrayList<>(clients);
    all.add(scheduler);
    all.add(threads);
    return all;
  }
}
