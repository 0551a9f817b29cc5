package org.example.echo.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.example.echo.core.InstanceDirectory;
import org.example.echo.core.RegisteredInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The adapter against a stand-in for Consul's health API that answers what Consul 1.8 answers. */
class ConsulInstanceDirectoryTest {

  private static final String TWO_INSTANCES = """
      [{"Node":{"Node":"dev","Address":"10.0.0.9"},
        "Service":{"ID":"echo-b","Service":"echo","Address":"10.0.0.2","Port":8080},
        "Checks":[{"Node":"dev","CheckID":"serfHealth","Name":"Serf Health Status","Status":"passing"},{"Node":"dev","CheckID":"echo-b:ttl","Name":"echo lease heartbeat","Status":"critical"}]},
       {"Node":{"Node":"dev","Address":"10.0.0.9"},
        "Service":{"ID":"echo-a","Service":"echo","Address":"","Port":8081},
        "Checks":[{"Node":"dev","CheckID":"serfHealth","Name":"Serf Health Status","Status":"passing"},{"Node":"dev","CheckID":"echo-a:ttl","Name":"echo lease heartbeat","Status":"passing"}]}]
      """;

  private final AtomicReference<String> body = new AtomicReference<>(TWO_INSTANCES);
  private final AtomicInteger status = new AtomicInteger(200);
  private final AtomicReference<String> path = new AtomicReference<>();
  private HttpServer consul;

  @AfterEach
  void stop() {
    if (consul != null) {
      consul.stop(0);
    }
  }

  private ConsulInstanceDirectory directory() throws Exception {
    consul = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    consul.createContext("/", exchange -> {
      path.set(exchange.getRequestURI().getPath());
      byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.getResponseHeaders().add("X-Consul-Index", "7");
      exchange.sendResponseHeaders(status.get(), bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    consul.start();
    URI uri = URI.create("http://127.0.0.1:" + consul.getAddress().getPort());
    return ConsulInstanceDirectory.connect(uri, Optional.empty(), "echo");
  }

  @Test
  void listsEveryRegistrationByAddressWithItsWorstCheck() throws Exception {
    try (ConsulInstanceDirectory directory = directory()) {
      assertThat(directory.instances()).containsExactly(
          new RegisteredInstance("echo-b", "10.0.0.2", 8080, "critical"),
          new RegisteredInstance("echo-a", "10.0.0.9", 8081, "passing")); // no service address: the node's
      assertThat(path.get()).isEqualTo("/v1/health/service/echo");
    }
  }

  @Test
  void consulFailingIsUnavailableWithOneLine() throws Exception {
    try (ConsulInstanceDirectory directory = directory()) {
      status.set(500);
      body.set("rpc error:\nno cluster leader");
      assertThatThrownBy(directory::instances)
          .isInstanceOf(InstanceDirectory.Unavailable.class)
          .hasMessageStartingWith("Consul did not list echo: ")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
  }
}
