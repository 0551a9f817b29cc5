package org.example.echo.testing;

import java.time.Duration;
import java.time.Instant;
import org.example.echo.core.RoleStatus;
import org.example.echo.ws.EchoServer;
import org.example.echo.ws.LoopbackSettings;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real echo server, in-process on a free loopback port and serving, fresh for every test:
 * {@code @RegisterExtension final ServingEchoServer echo = new ServingEchoServer();}
 */
public final class ServingEchoServer implements BeforeEachCallback, AfterEachCallback {

  private EchoServer server;

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    server = new EchoServer(new LoopbackSettings().build(), () -> RoleStatus.standalone(Instant.now()));
    server.start();
    server.gate().open();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    server.shutdown(Duration.ofSeconds(1));
  }

  public EchoServer server() {
    return server;
  }

  /** {@code ws://127.0.0.1:<port>/}. */
  public String url() {
    return "ws://127.0.0.1:" + server.port() + "/";
  }
}
