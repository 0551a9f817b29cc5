package org.example.echo.consul;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.example.echo.leadership.LockPortException.Kind;
import org.junit.jupiter.api.Test;
import org.kiwiproject.consul.ConsulException;

class ConsulLockPortTest {

  @Test
  void aMissingOrNonPositiveIndexBecomesOneSoTheNextReadBlocks() {
    assertThat(ConsulLockPort.blockingIndex(null)).isEqualTo(1);
    assertThat(ConsulLockPort.blockingIndex(BigInteger.ZERO)).isEqualTo(1);
    assertThat(ConsulLockPort.blockingIndex(BigInteger.valueOf(-5))).isEqualTo(1);
    assertThat(ConsulLockPort.blockingIndex(BigInteger.valueOf(4711))).isEqualTo(4711);
  }

  @Test
  void goDurationsAsConsulPrintsThem() {
    assertThat(ConsulLockPort.goDuration("200ms")).contains(Duration.ofMillis(200));
    assertThat(ConsulLockPort.goDuration("1s")).contains(Duration.ofSeconds(1));
    assertThat(ConsulLockPort.goDuration("1.5s")).contains(Duration.ofMillis(1500));
    assertThat(ConsulLockPort.goDuration("1m30s")).contains(Duration.ofSeconds(90));
    assertThat(ConsulLockPort.goDuration("2h")).contains(Duration.ofHours(2));
    assertThat(ConsulLockPort.goDuration("250us")).contains(Duration.ofNanos(250_000));
    assertThat(ConsulLockPort.goDuration("7ns")).contains(Duration.ofNanos(7));
    assertThat(ConsulLockPort.goDuration(" 100ms ")).contains(Duration.ofMillis(100));
    assertThat(ConsulLockPort.goDuration("")).isEmpty();
    assertThat(ConsulLockPort.goDuration(null)).isEmpty();
    assertThat(ConsulLockPort.goDuration("null")).isEmpty();
    assertThat(ConsulLockPort.goDuration("100")).isEmpty();
    assertThat(ConsulLockPort.goDuration("x100ms")).isEmpty();
    assertThat(ConsulLockPort.goDuration("100msx")).isEmpty();
  }

  @Test
  void theSuspicionMinimumFromAnAgentsDebugConfig() {
    Map<String, Object> dc = new HashMap<>();
    assertThat(ConsulLockPort.suspicionMinOf(null)).isEmpty();
    assertThat(ConsulLockPort.suspicionMinOf(dc)).isEmpty();
    dc.put("GossipLANProbeInterval", "200ms");
    assertThat(ConsulLockPort.suspicionMinOf(dc)).as("no multiplier").isEmpty();
    dc.put("GossipLANSuspicionMult", 3);
    assertThat(ConsulLockPort.suspicionMinOf(dc)).contains(Duration.ofMillis(600));
    dc.put("GossipLANSuspicionMult", "3");
    assertThat(ConsulLockPort.suspicionMinOf(dc)).as("not a number").isEmpty();
    dc.put("GossipLANSuspicionMult", 4.0);
    dc.put("GossipLANProbeInterval", "1s");
    assertThat(ConsulLockPort.suspicionMinOf(dc)).contains(Duration.ofSeconds(4));
    dc.remove("GossipLANProbeInterval");
    assertThat(ConsulLockPort.suspicionMinOf(dc)).isEmpty();
  }

  @Test
  void consulErrorsBecomeKinds() {
    assertThat(ConsulLockPort.translate("acquire", new ConsulException("Invalid session \"x\"")).kind())
        .isEqualTo(Kind.SESSION_INVALID);
    assertThat(ConsulLockPort.translate("pass", new ConsulException("CheckID does not have associated TTL"))
        .kind()).isEqualTo(Kind.NOT_REGISTERED);
    assertThat(ConsulLockPort.translate("pass", new ConsulException("Unknown check \"a\"")).kind())
        .isEqualTo(Kind.NOT_REGISTERED);
    assertThat(ConsulLockPort.translate("tag", new ConsulException("Unknown service \"a\"")).kind())
        .isEqualTo(Kind.NOT_REGISTERED);
    assertThat(ConsulLockPort.translate("confirm", new ConsulException("Unexpected response code: 500 "
        + "(No cluster leader)")).kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(ConsulLockPort.translate("read", new ConsulException("a\n  b")).getMessage())
        .isEqualTo("read: a b");
    assertThat(ConsulLockPort.translate("read", new ConsulException("x".repeat(400))).getMessage())
        .hasSize("read: ".length() + 301).endsWith("…");
  }

  @Test
  void leaseTermsFollowTheSettings() {
    ConsulLease lease = ConsulLease.defaults();
    assertThat(lease.terms().keepAliveExpiry()).isEqualTo(Duration.ofMillis(800));
    assertThat(lease.terms().holdAfterKeepAlive()).isEqualTo(Duration.ofSeconds(1));
    assertThat(lease.terms().holdAfterConfirm()).isEqualTo(Duration.ofMillis(1600));
    assertThat(lease.atMostSuspicion(Duration.ofMillis(300)).gossipSuspicionMin()).isEqualTo(Duration.ofMillis(300));
    assertThat(lease.atMostSuspicion(Duration.ofSeconds(4))).isSameAs(lease);
    assertThat(lease.atMostSuspicion(Duration.ofMillis(600))).isSameAs(lease);
  }
}
