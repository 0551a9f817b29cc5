package org.example.echo.check;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The client's frames of RFC 6455 that a load generator needs, written out by hand so that no frame costs more
 * than a copy: opcodes and masked frames. (The upgrade request before them is common's {@code WebSocketUpgrade}.)
 */
final class WebSocketWire {
  static final int OP_CONTINUATION = 0x0;
  static final int OP_TEXT = 0x1;
  static final int OP_BINARY = 0x2;
  static final int OP_CLOSE = 0x8;
  static final int OP_PING = 0x9;
  static final int OP_PONG = 0xA;

  private WebSocketWire() {}

  /**
   * One final, masked client frame. Load messages are encoded once and resent as they are: the mask is random
   * per encoding, not per send, which servers cannot tell (and need not care about over loopback).
   */
  static byte[] maskedFrame(int opcode, byte[] payload) {
    int length = payload.length;
    int lengthBytes = length < 126 ? 0 : length < 65_536 ? 2 : 8;
    byte[] frame = new byte[2 + lengthBytes + 4 + length];
    frame[0] = (byte) (0x80 | opcode);
    int at = 2;
    if (lengthBytes == 0) {
      frame[1] = (byte) (0x80 | length);
    } else if (lengthBytes == 2) {
      frame[1] = (byte) (0x80 | 126);
      frame[at++] = (byte) (length >>> 8);
      frame[at++] = (byte) length;
    } else {
      frame[1] = (byte) (0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame[at++] = (byte) ((long) length >>> shift);
      }
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    System.arraycopy(mask, 0, frame, at, 4);
    at += 4;
    for (int i = 0; i < length; i++) {
      frame[at + i] = (byte) (payload[i] ^ mask[i & 3]);
    }
    return frame;
  }

  /** A close frame with a status code and no reason. */
  static byte[] maskedClose(int code) {
    return maskedFrame(OP_CLOSE, new byte[] {(byte) (code >>> 8), (byte) code});
  }
}
