package org.example.echo.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {

  private static InetAddress ip(String literal) throws Exception {
    return InetAddress.getByName(literal);
  }

  @Test
  void networksInCidrNotationAndSingleAddresses() throws Exception {
    TrustedProxies trusted = TrustedProxies.of(List.of("10.0.0.0/8", " 172.16.0.0/12 ", "192.0.2.7", "fd00::/8"));
    assertThat(trusted.trusts(ip("10.255.1.2"))).isTrue();
    assertThat(trusted.trusts(ip("11.0.0.1"))).isFalse();
    assertThat(trusted.trusts(ip("172.31.255.255"))).isTrue();
    assertThat(trusted.trusts(ip("172.32.0.0"))).isFalse();
    assertThat(trusted.trusts(ip("192.0.2.7"))).isTrue();
    assertThat(trusted.trusts(ip("192.0.2.8"))).isFalse();
    assertThat(trusted.trusts(ip("fd12::1"))).isTrue();
    assertThat(trusted.trusts(ip("fe80::1"))).isFalse();
    assertThat(trusted.trusts(ip("127.0.0.1"))).isFalse();
  }

  @Test
  void theDefaultIsLoopbackOnly() throws Exception {
    TrustedProxies trusted = TrustedProxies.of(List.of(EchoSettings.DEFAULT_TRUSTED_PROXIES.split(",")));
    assertThat(trusted.trusts(ip("127.0.0.1"))).isTrue();
    assertThat(trusted.trusts(ip("127.1.2.3"))).isTrue();
    assertThat(trusted.trusts(ip("::1"))).isTrue();
    assertThat(trusted.trusts(ip("10.0.0.1"))).isFalse();
  }

  @Test
  void noneTrustsNobodyAndLocalNetworksIncludeLoopback() throws Exception {
    assertThat(TrustedProxies.of(List.of("none")).trusts(ip("127.0.0.1"))).isFalse();
    assertThat(TrustedProxies.of(List.of()).trusts(ip("127.0.0.1"))).isFalse();
    assertThat(TrustedProxies.of(List.of("local-networks")).trusts(ip("127.0.0.1"))).isTrue();
    assertThat(TrustedProxies.of(List.of("local-networks")).trusts(ip("203.0.113.250"))).isFalse();
  }

  @Test
  void badValuesAreNamedAndNamesAreNeverLookedUp() {
    assertThat(TrustedProxies.problemWith("10.0.0.0/8")).isNull();
    assertThat(TrustedProxies.problemWith("local-networks")).isNull();
    assertThat(TrustedProxies.problemWith("10.0.0.0/33")).contains("'10.0.0.0/33' is not a network");
    assertThat(TrustedProxies.problemWith("10.0.0.0/x")).contains("is not a network");
    assertThat(TrustedProxies.problemWith("nginx")).contains("is not a network");
    assertThat(TrustedProxies.literal("localhost")).isNull();
    assertThat(TrustedProxies.literal("203.0.113.9")).isNotNull();
    assertThat(TrustedProxies.literal("203.0.113.9\u202e")).isNull();
  }
}
