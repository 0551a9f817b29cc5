package org.example.echo.core;

import java.time.Instant;

/**
 * What {@code /healthz} reports about this instance's role: the core reports it, the transport shows it.
 *
 * @param role {@code standalone}, {@code leader}, {@code standby}, {@code starting} or {@code stopping}
 * @param holder who holds the leader lock as far as this instance knows (free text, may be empty)
 * @param since when this instance entered {@code role}
 */
public record RoleStatus(String role, String holder, Instant since) {

  /** Before the lock has said anything. */
  public static RoleStatus starting(Instant since) {
    return new RoleStatus("starting", "unknown", since);
  }

  public static RoleStatus standalone(Instant since) {
    return new RoleStatus("standalone", "", since);
  }
}
