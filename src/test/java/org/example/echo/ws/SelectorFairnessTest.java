package org.example.echo.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One connection pipelining flat out gets its turn on the selector like any other, so a second client's
 * handshake and echo stay fast while it runs: the attack adds at most 50 ms to their p99 (before the read
 * budget: seconds). The bound is on what the attack adds to the same client's p99 without it, measured just
 * before, so a machine busy with other work does not fail the test; on a quiet one the baseline is ~1 ms.
 */
class SelectorFairnessTest {

  private static final int SAMPLES = 100;
  private static final Duration ADDED_P99 = Duration.ofMillis(50);

  @RegisterExtension final RunningServers servers = new RunningServers();

  @ParameterizedTest(name = "{1}-byte frames, opcode {0}")
  @CsvSource({"1, 4000", "1, 0", "9, 0"}) // text, text, ping
  void aPipeliningClientDoesNotDelayAnotherClientsHandshakeAndEcho(int opcode, int frameSize) throws Exception {
    EchoServer server = servers.serving();
    long baselineP99 = p99(samples(server.port()));
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

      long p50 = micros.get(SAMPLES / 2);
      long p99 = p99(micros);
      System.out.printf("MEASURED fairness, opcode %d, %d-byte frames: healthy handshake + echo p50 %.1f ms, "
              + "p99 %.1f ms, max %.1f ms (p99 without the attack %.1f ms); attacker's replies read %d KB%n",
          opcode, frameSize, p50 / 1000.0, p99 / 1000.0, micros.get(SAMPLES - 1) / 1000.0, baselineP99 / 1000.0,
          readDuringSamples >> 10);
      assertThat(readDuringSamples).as("the attacker was served too").isGreaterThan(1 << 16);
      assertThat(Duration.ofNanos((p99 - baselineP99) * 1000)).as("p99 of handshake + echo, added by the attack")
          .isLessThanOrEqualTo(ADDED_P99);
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

  private static long p99(List<Long> sorted) {
    return sorted.get(SAMPLES * 99 / 100 - 1);
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
