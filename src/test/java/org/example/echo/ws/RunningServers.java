package org.example.echo.ws;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.example.echo.core.RoleStatus;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Serving servers on free loopback ports, each stopped after the test that started it:
 * {@code @RegisterExtension final RunningServers servers = new RunningServers();}
 */
final class RunningServers implements AfterEachCallback {

  private final List<EchoServer> started = new ArrayList<>();

  EchoServer serving(EchoSettings settings) throws Exception {
    EchoServer server = new EchoServer(settings, () -> RoleStatus.standalone(Instant.EPOCH));
    started.add(server);
    server.start();
    server.gate().open();
    return server;
  }

  EchoServer serving() throws Exception {
    return serving(new LoopbackSettings().build());
  }

  @Override
  public void afterEach(ExtensionContext context) {
    started.forEach(s -> s.shutdown(Duration.ofSeconds(1)));
    started.clear();
  }
}
