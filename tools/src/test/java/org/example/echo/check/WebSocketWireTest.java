package org.example.echo.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The NIO client's frames, read back as a server reads them (WebSocketPeer): every length encoding, masked. */
class WebSocketWireTest {

  @ParameterizedTest
  @ValueSource(ints = {0, 125, 126, 65_535, 65_536})
  void aMaskedFrameCarriesItsPayloadInEveryLengthEncoding(int length) throws IOException {
    byte[] payload = new byte[length];
    Arrays.fill(payload, (byte) 'x');

    WebSocketPeer.Frame frame = readBack(WebSocketWire.maskedFrame(WebSocketWire.OP_TEXT, payload));

    assertThat(frame.opcode()).isEqualTo(WebSocketWire.OP_TEXT);
    assertThat(frame.payload()).isEqualTo(payload);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 125, 126, 65_535, 65_536})
  void theLengthTakesTheShortestEncoding(int length) {
    byte[] frame = WebSocketWire.maskedFrame(WebSocketWire.OP_BINARY, new byte[length]);

    int lengthBytes = length < 126 ? 0 : length < 65_536 ? 2 : 8;
    assertThat(frame).hasSize(2 + lengthBytes + 4 + length);
    assertThat(frame[0] & 0xff).isEqualTo(0x80 | WebSocketWire.OP_BINARY); // final, not fragmented
  }

  @ParameterizedTest
  @ValueSource(ints = {1000, 1001})
  void aCloseFrameCarriesItsCode(int code) throws IOException {
    WebSocketPeer.Frame frame = readBack(WebSocketWire.maskedClose(code));

    assertThat(frame.opcode()).isEqualTo(WebSocketWire.OP_CLOSE);
    assertThat(frame.closeCode()).isEqualTo(code);
    assertThat(frame.payload()).hasSize(2);
  }

  private static WebSocketPeer.Frame readBack(byte[] bytes) throws IOException {
    return WebSocketPeer.readClientFrame(new DataInputStream(new ByteArrayInputStream(bytes)));
  }
}
