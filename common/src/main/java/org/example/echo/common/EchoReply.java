package org.example.echo.common;

/**
 * The echo protocol's one rule, shared by the server, the client tools and the tests: a text message comes back
 * with a prefix, a binary message comes back unchanged.
 */
public final class EchoReply {

  /** What the server puts before every text message it echoes. */
  public static final String TEXT_PREFIX = "echo: ";

  private EchoReply() {}

  /** The server's reply to the text message {@code sent}. */
  public static String to(String sent) {
    return TEXT_PREFIX + sent;
  }

  /** Whether {@code reply} is the server's reply to {@code sent}. */
  public static boolean answers(String sent, String reply) {
    return reply.length() == TEXT_PREFIX.length() + sent.length()
        && reply.startsWith(TEXT_PREFIX)
        && reply.endsWith(sent);
  }
}
