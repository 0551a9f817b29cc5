package org.example.echo.check;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback WebSocket server that plays a script on every connection it accepts, each on its own daemon thread:
 * for the misbehaviour the tools must report. A script ends by returning (the connection stays open until
 * {@link #close()}) or by throwing, which closes it, as when the client hangs up.
 */
final class ScriptedServer implements AutoCloseable {

  /** What the server does on its {@code index}-th connection (from 0). */
  interface Script {
    void play(WebSocketPeer peer, int index) throws IOException;
  }

  private final ServerSocket server;
  private final Script script;
  private final AtomicInteger accepted = new AtomicInteger();
  private final List<WebSocketPeer> peers = new CopyOnWriteArrayList<>();

  ScriptedServer(Script script) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.script = script;
    daemon("scripted-server-accept", this::acceptAll).start();
  }

  String url() {
    return "ws://127.0.0.1:" + server.getLocalPort() + "/";
  }

  /** Connections accepted so far. */
  int accepted() {
    return accepted.get();
  }

  private void acceptAll() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        WebSocketPeer peer = new WebSocketPeer(socket);
        peers.add(peer);
        int index = accepted.getAndIncrement();
        daemon("scripted-server-" + index, () -> play(peer, index)).start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void play(WebSocketPeer peer, int index) {
    try {
      script.play(peer, index);
    } catch (IOException | RuntimeException e) {
      closeQuietly(peer);
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    peers.forEach(ScriptedServer::closeQuietly);
  }

  private static void closeQuietly(WebSocketPeer peer) {
    try {
      peer.close();
    } catch (IOException e) {
      // the test is over for this connection either way
    }
  }

  private static Thread daemon(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    return thread;
  }
}
