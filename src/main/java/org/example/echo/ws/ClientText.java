package org.example.echo.ws;

/**
 * Text a client controls (close reasons, messages, header values), made safe for one log line: control
 * characters, Unicode format characters (bidi overrides such as U+202E, zero-width ones) and line separators
 * become visible escapes ({@code \n}, {@code \u001b}, {@code \u202e}), and a backslash becomes {@code \\}, so
 * an escape in the log always means the client sent that character. Long text is cut, saying how much was left.
 */
final class ClientText {

  /** Characters of client text kept in one log line; a message can be megabytes with --read-limit 0. */
  static final int MAX_LOGGED = 256;

  private ClientText() {}

  /** The text in double quotes, escaped ({@code "} too), cut at {@link #MAX_LOGGED}; {@code null} for none. */
  static String quoted(String text) {
    if (text == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_LOGGED) + 2).append('"');
    append(out, text, true);
    return out.append('"').toString();
  }

  /** The text escaped, without quotes, cut at {@link #MAX_LOGGED}. */
  static String escaped(String text) {
    if (text == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_LOGGED));
    append(out, text, false);
    return out.toString();
  }

  private static void append(StringBuilder out, String text, boolean quote) {
    int end = Math.min(text.length(), MAX_LOGGED);
    for (int i = 0; i < end; i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '"' -> out.append(quote ? "\\\"" : "\"");
        default -> {
          if (unsafe(c)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    if (text.length() > end) {
      out.append("...(").append(text.length() - end).append(" more chars)");
    }
  }

  /** Characters a terminal or a log viewer acts on instead of showing: C0, DEL, C1, format, separators. */
  private static boolean unsafe(char c) {
    return switch (Character.getType(c)) {
      case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
          Character.SURROGATE -> true;
      default -> false;
    };
  }
}
