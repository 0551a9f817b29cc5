package org.example.echo.ws;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.example.echo.core.RoleStatus;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Servers on free loopback ports, serving or standby, each stopped after the test that started it:
 * {@code @RegisterExtension final RunningServers servers = new RunningServers();}
 */
final class RunningServers implements AfterEachCallback {

  private final List<EchoServer> started = new ArrayList<>();

  EchoServer serving(EchoSettings settings) throws Exception {
    EchoServer server = standby(settings);
    server.gate().open();
    return server;
  }

  /** Started, its gate closed: it answers upgrades with 503 until the test opens the gate. */
  EchoServer standby(EchoSettings settings) throws Exception {
    EchoServer server = new EchoServer(settings, () -> RoleStatus.standalone(Instant.EPOCH));
    started.add(server);
    server.start();
    return server;
  }

  EchoServer standby() throws Exception {
    return standby(new LoopbackSettings().build());
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
