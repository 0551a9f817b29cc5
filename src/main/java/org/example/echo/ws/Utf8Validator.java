package org.example.echo.ws;

/**
 * Checks that bytes are well-formed UTF-8 (RFC 3629, the Unicode standard's table 3-7), fed in pieces: a code
 * point may be split between two fragments of a message. It accepts exactly what Jetty's decoder accepts (no
 * overlong forms, no surrogates U+D800–DFFF, nothing above U+10FFFF), so a text message is still refused with
 * 1007 where Jetty would have refused it; Utf8ValidatorTest compares the two.
 *
 * <p>Why not Jetty's own: decoding into a String was a quarter of the busy selector thread's time (docs/bench.md);
 * the echo only needs to know that the bytes are valid, and most messages are ASCII, which the first loop passes
 * through without the state machine.
 *
 * <p>One per connection, reused for every text message ({@link #reset}); only the thread that delivers the
 * connection's frames touches it.
 */
final class Utf8Validator {

  private int needed;        // continuation bytes still missing from the current code point
  private int lower = 0x80;  // bounds of the next continuation byte (narrower after E0, ED, F0, F4)
  private int upper = 0xBF;
  private boolean failed;

  /** Forgets everything: a new message begins. */
  void reset() {
    needed = 0;
    lower = 0x80;
    upper = 0xBF;
    failed = false;
  }

  /** Checks {@code bytes[from, to)}, the next piece of the message; false once any byte so far was invalid. */
  boolean feed(byte[] bytes, int from, int to) {
    if (failed) {
      return false;
    }
    int i = from;
    while (i < to) {
      if (needed == 0) {
        while (i < to && bytes[i] >= 0) {
          i++; // ASCII: the common case, no state to keep
        }
        if (i == to) {
          break;
        }
        if (!lead(bytes[i++] & 0xFF)) {
          failed = true;
          return false;
        }
      } else {
        int b = bytes[i++] & 0xFF;
        if (b < lower || b > upper) {
          failed = true;
          return false;
        }
        lower = 0x80;
        upper = 0xBF;
        needed--;
      }
    }
    return true;
  }

  /** Whether the whole message was valid: no invalid byte, and it did not end inside a code point. */
  boolean complete() {
    return !failed && needed == 0;
  }

  /** The first byte of a multi-byte code point: how many bytes follow and what the second may be. */
  private boolean lead(int b) {
    if (b >= 0xC2 && b <= 0xDF) {
      needed = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
      needed = 2;
      if (b == 0xE0) {
        lower = 0xA0; // below: an overlong form of U+0000–07FF
      } else if (b == 0xED) {
        upper = 0x9F; // above: the surrogates U+D800–DFFF
      }
    } else if (b >= 0xF0 && b <= 0xF4) {
      needed = 3;
      if (b == 0xF0) {
        lower = 0x90; // below: an overlong form of U+0000–FFFF
      } else if (b == 0xF4) {
        upper = 0x8F; // above: beyond U+10FFFF
      }
    } else {
      return false; // a continuation byte without a lead, C0/C1 (overlong), or F5–FF (never in UTF-8)
    }
    return true;
  }
}
