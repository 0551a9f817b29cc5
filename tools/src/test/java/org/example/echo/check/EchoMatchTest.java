package org.example.echo.check;

import static org.assertj.core.api.Assertions.assertThat;

import org.example.echo.common.EchoReply;
import org.junit.jupiter.api.Test;

class EchoMatchTest {

  @Test
  void ourServersReplyAndAPlainEchoBothCount() {
    assertThat(EchoMatch.isEchoOf("check 7", EchoReply.to("check 7"))).isTrue();
    assertThat(EchoMatch.isEchoOf("check 7", "check 7")).isTrue();
  }

  @Test
  void aReplyThatDoesNotEndWithTheTextSentIsNoEcho() {
    assertThat(EchoMatch.isEchoOf("check 7", EchoReply.to("check 8"))).isFalse();
    assertThat(EchoMatch.isEchoOf("check 7", "check 7 and more")).isFalse();
    assertThat(EchoMatch.isEchoOf("check 7", "")).isFalse();
  }
}
