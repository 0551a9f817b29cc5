package org.example.echo.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EchoReplyTest {

  @Test
  void aReplyIsThePrefixAndTheMessage() {
    assertThat(EchoReply.to("hello")).isEqualTo("echo: hello");
    assertThat(EchoReply.to("")).isEqualTo("echo: ");
  }

  @Test
  void recognisesOnlyTheExactReply() {
    assertThat(EchoReply.answers("hello", "echo: hello")).isTrue();
    assertThat(EchoReply.answers("", "echo: ")).isTrue();
    assertThat(EchoReply.answers("hello", "hello")).isFalse();
    assertThat(EchoReply.answers("hello", "echo: hello!")).isFalse();
    assertThat(EchoReply.answers("hello", "echo:  hello")).isFalse();
    assertThat(EchoReply.answers("hello", "ECHO: hello")).isFalse();
  }
}
