package org.example.echo.ws;

import java.time.Instant;

/**
 * Only for the test fixtures that still import the role report from here (testing/ServingEchoServer,
 * check/ProbeOutageTest) while they move to their own modules; delete it once they import
 * {@link org.example.echo.core.RoleStatus}.
 */
public final class RoleStatus {

  private RoleStatus() {}

  public static org.example.echo.core.RoleStatus standalone(Instant since) {
    return org.example.echo.core.RoleStatus.standalone(since);
  }
}
