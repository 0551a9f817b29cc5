package org.example.echo.consul;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class ConsulLockPortTest {

  @Test
  void aMissingOrNonPositiveIndexBecomesOneSoTheNextReadBlocks() {
    assertThat(ConsulLockPort.blockingIndex(null)).isEqualTo(1);
    assertThat(ConsulLockPort.blockingIndex(BigInteger.ZERO)).isEqualTo(1);
    assertThat(ConsulLockPort.blockingIndex(BigInteger.valueOf(-5))).isEqualTo(1);
    assertThat(ConsulLockPort.blockingIndex(BigInteger.valueOf(4711))).isEqualTo(4711);
  }
}
