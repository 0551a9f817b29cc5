package org.example.echo.check;

/** How many connections are in each state at one moment; the tcpgoon status line. */
public record StatusCounts(int total, int dialing, int established, int closed, int error, int notInitiated) {

  static StatusCounts of(java.util.List<ConnectionState> states) {
    int total = 0;
    int dialing = 0;
    int established = 0;
    int closed = 0;
    int error = 0;
    int notInitiated = 0;
    for (ConnectionState state : states) {
      total++;
      switch (state) {
        case NOT_INITIATED -> notInitiated++;
        case DIALING -> dialing++;
        case ESTABLISHED -> established++;
        case CLOSED -> closed++;
        case ERROR -> error++;
      }
    }
    return new StatusCounts(total, dialing, established, closed, error, notInitiated);
  }

  public String format() {
    return "Total: " + total + ", Dialing: " + dialing + ", Established: " + established + ", Closed: " + closed
        + ", Error: " + error + ", NotInitiated: " + notInitiated;
  }
}
