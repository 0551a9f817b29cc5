package org.example.echo.consul;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.example.echo.core.RegisteredInstance;
import org.junit.jupiter.api.Test;

class PrometheusSdBridgeTest {

  @Test
  void oneTargetGroupPerAddressWithConsulsMetaLabels() throws Exception {
    String body = PrometheusSdBridge.targets(List.of(
        new RegisteredInstance("echo-a-1", "10.0.0.1", 8080, "passing"),
        new RegisteredInstance("echo-a-0-old", "10.0.0.1", 8080, "critical"),
        new RegisteredInstance("echo-b", "10.0.0.2", 8080, "critical")));
    assertThat(body).startsWith("[{").contains(
        "\"targets\":[\"10.0.0.1:8080\"]", "\"__meta_consul_service_id\":\"echo-a-1\"",
        "\"targets\":[\"10.0.0.2:8080\"]", "\"__meta_consul_health\":\"critical\"");
    assertThat(body).doesNotContain("echo-a-0-old");
    assertThat(PrometheusSdBridge.targets(List.of())).isEqualTo("[]");
  }
}
