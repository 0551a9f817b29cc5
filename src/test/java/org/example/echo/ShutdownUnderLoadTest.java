package org.example.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.example.echo.core.LeaderLock;
import org.example.echo.testkit.RawWebSocket;
import org.example.echo.ws.LoopbackSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The SIGTERM path (EchoService.stop) ends within the 5 s promised whatever the clients do: 300 slowloris
 * connections, 200 clients that never read (their replies and the close frame stuck in full buffers) and 100
 * idle ones that never answer the close; and whatever the lock service does, even hanging.
 */
class ShutdownUnderLoadTest {

  private static final Duration PROMISED = Duration.ofSeconds(5);

  private final List<AutoCloseable> clients = new ArrayList<>();
  private final CountDownLatch lockServiceHangs = new CountDownLatch(1);

  @AfterEach
  void closeClients() throws Exception {
    lockServiceHangs.countDown();
    for (AutoCloseable c : clients) {
      c.close();
    }
  }

  @Test
  void standaloneStopsWithinFiveSecondsWithHostileClients() throws Exception {
    EchoService service = EchoService.standalone(new LoopbackSettings().build());
    assertThat(service.start()).isTrue();
    attachHostileClients(service.port());
    assertThat(timeToStop(service)).isLessThanOrEqualTo(PROMISED);
  }

  @Test
  void withADrainTimeAndALockServiceThatHangsItStillStopsWithinFiveSeconds() throws Exception {
    EchoService service = new EchoService(new LoopbackSettings().build(), (gate, role, port) -> new LeaderLock() {
      @Override
      public void start() {
        gate.open();
      }

      @Override
      public void release() {
        gate.close(1001, "stepping down");
        awaitQuietly(); // Consul does not answer
      }

      @Override
      public void leave() throws InterruptedException {
        lockServiceHangs.await(30, TimeUnit.SECONDS);
      }
    }, Duration.ofSeconds(1));
    assertThat(service.start()).isTrue();
    attachHostileClients(service.port());
    assertThat(timeToStop(service)).isLessThanOrEqualTo(PROMISED);
  }

  private void awaitQuietly() {
    try {
      lockServiceHangs.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Duration timeToStop(EchoService service) throws InterruptedException {
    long start = System.nanoTime();
    service.stop();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    System.out.printf("MEASURED shutdown with 300 slowloris, 200 non-reading, 100 idle clients: %d ms%n",
        took.toMillis());
    return took;
  }

  private void attachHostileClients(int port) throws IOException {
    for (int i = 0; i < 300; i++) {
      Socket slowloris = new Socket(InetAddress.getLoopbackAddress(), port);
      clients.add(slowloris);
      slowloris.getOutputStream().write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    byte[] message = RawWebSocket.encodeFrame(RawWebSocket.TEXT, "n".repeat(4000).getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < 200; i++) {
      RawWebSocket nonReading = RawWebSocket.connect(port, 4096);
      clients.add(nonReading);
      for (int m = 0; m < 20; m++) { // fewer than --send-queue, so it is not cut off as a slow reader first
        nonReading.sendRaw(message);
      }
    }
    for (int i = 0; i < 100; i++) {
      clients.add(RawWebSocket.connect(port, 0)); // never answers a close frame
    }
  }
}
