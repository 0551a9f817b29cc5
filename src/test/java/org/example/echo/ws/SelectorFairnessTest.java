package org.example.echo.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.example.echo.testkit.RawWebSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One connection pipelining flat out gets its turn on the selector like any other, so a second client's
 * handshake and echo stay fast while it runs (before the read budget: 13 s, or a 10 s timeout).
 *
 * <p>What is asserted is robust on a 2-core machine shared with other builds, where the attacker, the server and
 * this test compete for the CPU: the attack adds at most 50 ms to the healthy client's p90 (against its own p90
 * measured just before, without the attack), and no sample takes 2 s. The p99 is printed; the acceptance
 * figure (p99 within 50 ms, attacker in another process) is measured with scripts/hostile-clients.py.
 */
class SelectorFairnessTest {

  private static final int SAMPLES = 100;
  private static final Duration ADDED_P90 = Duration.ofMillis(50);
  private static final Duration WORST = Duration.ofSeconds(2);

  @RegisterExtension final RunningServers servers = new RunningServers();

  @ParameterizedTest(name = "{1}-byte frames, opcode {0}")
  @CsvSource({"1, 4000", "1, 0", "9, 0"}) // text, text, ping
  void aPipeliningClientDoesNotDelayAnotherClientsHandshakeAndEcho(int opcode, int frameSize) throws Exception {
    EchoServer server = servers.serving();
    List<Long> baseline = samples(server.port());
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong repliesRead = new AtomicLong();
    try (RawWebSocket attacker = RawWebSocket.connect(server.port(), 0)) {
      CompletableFuture<Long> sent = CompletableFuture.supplyAsync(() -> pipeline(attacker, opcode, frameSize, stop));
      CompletableFuture<Void> drained = CompletableFuture.runAsync(() -> drain(attacker, stop, repliesRead));
      await("the attack is under way: replies come back").atMost(Duration.ofSeconds(10))
          .until(() -> repliesRead.get() > 1 << 16 || sent.isDone());
      assertThat(sent).as("attacker still sending").isNotDone();
      List<Long> micros = samples(server.port());
      stop.set(true);
      long readDuringSamples = repliesRead.get();
      sent.get(10, TimeUnit.SECONDS);
      drained.cancel(true);

      long p50 = percentile(micros, 50);
      long p90 = percentile(micros, 90);
      long p99 = percentile(micros, 99);
      System.out.printf("MEASURED fairness, opcode %d, %d-byte frames: healthy handshake + echo p50 %.1f ms, "
              + "p90 %.1f ms, p99 %.1f ms, max %.1f ms (without the attack: p90 %.1f ms, p99 %.1f ms); "
              + "attacker's replies read %d KB%n",
          opcode, frameSize, p50 / 1000.0, p90 / 1000.0, p99 / 1000.0, micros.get(SAMPLES - 1) / 1000.0,
          percentile(baseline, 90) / 1000.0, percentile(baseline, 99) / 1000.0, readDuringSamples >> 10);
      assertThat(readDuringSamples).as("the attacker was served too").isGreaterThan(1 << 16);
      assertThat(Duration.ofNanos((p90 - percentile(baseline, 90)) * 1000))
          .as("p90 of handshake + echo, added by the attack").isLessThanOrEqualTo(ADDED_P90);
      assertThat(Duration.ofNanos(micros.get(SAMPLES - 1) * 1000)).as("slowest handshake + echo")
          .isLessThan(WORST);
    }
  }

  @Test
  void aPlainHttpConnectionIsAnsweredOnceSoPipelinedRequestsCannotHoldTheSelector() throws Exception {
    // HTTP requests are handled on the selector (HttpRoutes). With keep-alive, one read of pipelined requests
    // (hundreds of health checks) was answered in one turn: 22 ms added to another client's p90 handshake + echo.
    EchoServer server = servers.serving();
    String request = "GET " + HealthHandler.PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    try (Socket client = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      client.setSoTimeout(5_000); // a connection kept open fails the read below instead of hanging
      client.getOutputStream().write(request.repeat(3).getBytes(StandardCharsets.US_ASCII));
      String answers = new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);

      assertThat(answers).startsWith("HTTP/1.1 200 ");
      assertThat(answers.split("HTTP/1.1 ", -1)).as("answers before the server closed").hasSize(2);
    }
  }

  /** SAMPLES handshakes + echoes, one after another, sorted. */
  private static List<Long> samples(int port) throws IOException {
    List<Long> micros = new ArrayList<>();
    for (int i = 0; i < SAMPLES; i++) {
      micros.add(handshakeAndEchoMicros(port));
    }
    Collections.sort(micros);
    return micros;
  }

  private static long percentile(List<Long> sorted, int percent) {
    return sorted.get(Math.max(0, SAMPLES * percent / 100 - 1));
  }

  private static long handshakeAndEchoMicros(int port) throws IOException {
    long start = System.nanoTime();
    try (RawWebSocket healthy = RawWebSocket.connect(port, 0)) {
      healthy.sendFrame(RawWebSocket.TEXT, "healthy".getBytes(StandardCharsets.UTF_8), true);
      assertThat(healthy.readFrame().text()).isEqualTo("echo: healthy");
      return TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
    }
  }

  /** Sends pre-encoded frames, 256 KB at a time, until told to stop (at most 20 s). */
  private static long pipeline(RawWebSocket attacker, int opcode, int frameSize, AtomicBoolean stop) {
    byte[] frame = RawWebSocket.encodeFrame(opcode, "p".repeat(frameSize).getBytes(StandardCharsets.UTF_8));
    ByteArrayOutputStream batch = new ByteArrayOutputStream();
    for (int i = 0; i < (256 << 10) / frame.length; i++) {
      batch.writeBytes(frame);
    }
    byte[] bytes = batch.toByteArray();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    long sent = 0;
    try {
      while (!stop.get() && System.nanoTime() < deadline) {
        attacker.sendRaw(bytes);
        sent += bytes.length;
      }
    } catch (IOException e) {
      throw new IllegalStateException("the attacker was cut off after " + sent + " bytes", e);
    }
    return sent;
  }

  /** Reads the replies in bulk, so the attacker is a fast reader and never cut off as a slow one. */
  private static void drain(RawWebSocket attacker, AtomicBoolean stop, AtomicLong read) {
    byte[] buffer = new byte[1 << 16];
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    try {
      while (!stop.get() && System.nanoTime() < deadline) {
        int n = attacker.readRaw(buffer);
        if (n < 0) {
          return;
        }
        read.addAndGet(n);
      }
    } catch (IOException e) {
      // closed at the end of the test
    }
  }
}
