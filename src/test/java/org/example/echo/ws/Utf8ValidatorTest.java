package org.example.echo.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.eclipse.jetty.util.Utf8StringBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Our UTF-8 check must refuse exactly what Jetty's decoder refused, whole or split into fragments anywhere. */
class Utf8ValidatorTest {

  /** What Jetty's StringMessageSink did with a message: a String, or 1007 for a coding error or a cut code point. */
  private static boolean jettyAccepts(byte[] message) {
    Utf8StringBuilder decoder = new Utf8StringBuilder();
    decoder.append(ByteBuffer.wrap(message));
    try {
      decoder.takeCompleteString(IllegalStateException::new);
      return true;
    } catch (IllegalStateException invalid) {
      return false;
    }
  }

  private static boolean accepts(byte[] message, int... cuts) {
    Utf8Validator v = new Utf8Validator();
    v.reset();
    int from = 0;
    for (int cut : cuts) {
      v.feed(message, from, cut);
      from = cut;
    }
    v.feed(message, from, message.length);
    return v.complete();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "hello", "grüße ✓", "\u007f\u0080\u07ff\u0800\ud7ff\ue000\uffff", "\ud800\udc00 \udbff\udfff 😀"})
  void acceptsWellFormedTextSplitAnywhere(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    assertThat(accepts(bytes)).isTrue();
    for (int cut = 0; cut <= bytes.length; cut++) {
      assertThat(accepts(bytes, cut)).as("cut at %d", cut).isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "80", "bf", "c0 80", "c1 bf", "e0 80 80", "e0 9f bf", "ed a0 80", "ed bf bf", "f0 80 80 80", "f0 8f bf bf",
      "f4 90 80 80", "f5 80 80 80", "fe", "ff", "c3 28", "e2 82", "f0 9f 98", "6f 6b c3", "e2 28 a1", "c2 c2 80"})
  void refusesWhatJettyRefuses(String hex) {
    byte[] bytes = HexFormat.ofDelimiter(" ").parseHex(hex);
    assertThat(jettyAccepts(bytes)).as("Jetty refuses %s", hex).isFalse();
    assertThat(accepts(bytes)).as(hex).isFalse();
    for (int cut = 0; cut <= bytes.length; cut++) {
      assertThat(accepts(bytes, cut)).as("%s cut at %d", hex, cut).isFalse();
    }
  }

  @Test
  void agreesWithJettyOnRandomBytesAroundEveryBoundary() {
    // Bytes near every limit of the table, so that short random strings hit each rule often.
    int[] alphabet = {0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1,
        0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xff};
    Random random = new Random(12);
    int valid = 0;
    for (int n = 0; n < 200_000; n++) {
      byte[] bytes = new byte[random.nextInt(9)];
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] = (byte) alphabet[random.nextInt(alphabet.length)];
      }
      boolean expected = jettyAccepts(bytes);
      valid += expected ? 1 : 0;
      int cut = bytes.length == 0 ? 0 : random.nextInt(bytes.length + 1);
      assertThat(accepts(bytes, cut)).as("%s cut at %d", HexFormat.of().formatHex(bytes), cut).isEqualTo(expected);
    }
    assertThat(valid).as("enough valid samples to mean something").isGreaterThan(10_000);
  }

  @Test
  void oneInvalidPieceSpoilsTheRestOfTheMessageAndResetStartsAnew() {
    Utf8Validator v = new Utf8Validator();
    byte[] bad = {(byte) 0xff};
    byte[] good = "fine".getBytes(StandardCharsets.US_ASCII);
    assertThat(v.feed(bad, 0, 1)).isFalse();
    assertThat(v.feed(good, 0, good.length)).isFalse();
    assertThat(v.complete()).isFalse();
    v.reset();
    assertThat(v.feed(good, 0, good.length)).isTrue();
    assertThat(v.complete()).isTrue();
  }
}
