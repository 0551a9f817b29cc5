package org.example.echo.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {

  private final OriginPolicy sameHost = OriginPolicy.sameHost();

  @Test
  void clientsWithoutOriginAreAlwaysAllowed() {
    assertThat(sameHost.allows(null, "example.com")).isTrue();
  }

  @Test
  void theSameSchemeHostAndPortIsAllowed() {
    assertThat(sameHost.allows("http://example.com:8080", "example.com:8080")).isTrue();
    assertThat(sameHost.allows("http://example.com", "example.com")).isTrue();
    assertThat(sameHost.allows("https://Example.COM:443", "example.com")).isTrue();
    assertThat(sameHost.allows("https://example.com", "example.com:443")).isTrue();
    assertThat(sameHost.allows("http://[::1]:3000", "[::1]:3000")).isTrue();
  }

  @Test
  void anotherPortIsAnotherOrigin() {
    assertThat(sameHost.allows("http://example.com", "example.com:8080")).isFalse();
    assertThat(sameHost.allows("http://example.com:9999", "example.com:8080")).isFalse();
    assertThat(sameHost.allows("https://example.com", "example.com:80")).isFalse();
    assertThat(sameHost.allows("http://[::1]:3000", "[::1]:8080")).isFalse();
  }

  @Test
  void whatIsNoWebOriginIsRefusedEvenOnTheSameHost() {
    assertThat(sameHost.allows("foo://127.0.0.1:8080", "127.0.0.1:8080")).isFalse();
    assertThat(sameHost.allows("//127.0.0.1:8080", "127.0.0.1:8080")).isFalse();
    assertThat(sameHost.allows("http://evil.com@127.0.0.1:8080", "127.0.0.1:8080")).isFalse();
    assertThat(sameHost.allows("http://127.0.0.1:8080/page", "127.0.0.1:8080")).isFalse();
    assertThat(sameHost.allows("http://127.0.0.1:8080?x", "127.0.0.1:8080")).isFalse();
  }

  @Test
  void otherHostsAndOpaqueOriginsAreRefused() {
    assertThat(sameHost.allows("http://evil.example", "example.com")).isFalse();
    assertThat(sameHost.allows("null", "example.com")).isFalse();
    assertThat(sameHost.allows("http://example.com.evil.example", "example.com")).isFalse();
    assertThat(sameHost.allows("http://example.com", null)).isFalse();
  }

  @Test
  void listedOriginsAreAllowedExactly() {
    OriginPolicy listed = OriginPolicy.of(List.of(" https://app.example ", "http://localhost:3000/"));
    assertThat(listed.allows("https://app.example:443", "api.example")).isTrue();
    assertThat(listed.allows("https://user@app.example", "api.example")).isFalse();
    assertThat(listed.allows("https://app.example", "api.example")).isTrue();
    assertThat(listed.allows("http://localhost:3000", "api.example")).isTrue();
    assertThat(listed.allows("http://app.example", "api.example")).isFalse();
    assertThat(listed.allows("http://localhost:3001", "api.example")).isFalse();
  }

  @Test
  void starAllowsAnyOrigin() {
    assertThat(OriginPolicy.of(List.of("*")).allows("http://anything.example", "example.com")).isTrue();
  }

  @Test
  void optionValuesAreChecked() {
    assertThat(OriginPolicy.problemWith("https://example.com")).isNull();
    assertThat(OriginPolicy.problemWith("*")).isNull();
    assertThat(OriginPolicy.problemWith("example.com")).contains("not an origin");
    assertThat(OriginPolicy.problemWith("https://example.com/path")).contains("not an origin");
    assertThat(OriginPolicy.problemWith("ftp://example.com")).contains("not an origin");
    assertThat(OriginPolicy.problemWith("https://user@example.com")).contains("not an origin");
  }
}
