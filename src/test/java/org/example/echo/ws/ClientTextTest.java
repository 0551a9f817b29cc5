package org.example.echo.ws;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClientTextTest {

  @Test
  void lineBreaksAndTerminalEscapesBecomeVisible() {
    assertThat(ClientText.escaped("a\r\nb\tc\u001b[31md\u007fe\u0085f"))
        .isEqualTo("a\\r\\nb\\tc\\u001b[31md\\u007fe\\u0085f");
  }

  @Test
  void bidiOverridesZeroWidthAndSeparatorsBecomeVisible() {
    assertThat(ClientText.escaped("\u202etxt.exe \u2066x\u2069 \u200bz\ufeff \u2028\u2029"))
        .isEqualTo("\\u202etxt.exe \\u2066x\\u2069 \\u200bz\\ufeff \\u2028\\u2029");
  }

  @Test
  void aBackslashIsEscapedSoAnEscapeInTheLogIsAlwaysTheClients() {
    assertThat(ClientText.escaped("\\u001b")).isEqualTo("\\\\u001b");
  }

  @Test
  void quotedEscapesQuotesAndKeepsOrdinaryText() {
    assertThat(ClientText.quoted("grüße \"✓\" 日本")).isEqualTo("\"grüße \\\"✓\\\" 日本\"");
    assertThat(ClientText.quoted(null)).isEqualTo("null");
    assertThat(ClientText.quoted("")).isEqualTo("\"\"");
  }

  @Test
  void longTextIsCutSayingHowMuchWasLeft() {
    String logged = ClientText.escaped("x".repeat(ClientText.MAX_LOGGED + 10));
    assertThat(logged).startsWith("x".repeat(ClientText.MAX_LOGGED)).endsWith("...(10 more chars)");
  }

  @Test
  void aLoneSurrogateIsEscaped() {
    assertThat(ClientText.escaped("a\ud800b")).isEqualTo("a\\ud800b");
  }
}
