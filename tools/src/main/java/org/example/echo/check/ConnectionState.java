package org.example.echo.check;

/** The state of one {@link JettyCheckConnection} as the status line counts it, named as tcpgoon names them. */
enum ConnectionState {
  NOT_INITIATED,
  DIALING,
  ESTABLISHED,
  /** Established, then closed by the peer (or the network) before the check ended. */
  CLOSED,
  /** Never established: refused, timed out or rejected during the upgrade. */
  ERROR
}
