package org.example.echo.check;

import org.example.echo.common.EchoReply;

/**
 * What the tools count as the echo of a text: any reply that ends with it. Our server answers
 * {@link EchoReply#to} (its prefix, then the text), a plain echo server the text alone; the tools measure both.
 */
final class EchoMatch {
  private EchoMatch() {}

  static boolean isEchoOf(String sent, String reply) {
    return reply.endsWith(sent);
  }
}
