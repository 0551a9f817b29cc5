package org.example.echo.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatusCountsTest {

  @Test
  void countsEveryStateInTcpgoonFormat() {
    StatusCounts counts =
        StatusCounts.of(
            List.of(
                ConnectionState.NOT_INITIATED,
                ConnectionState.NOT_INITIATED,
                ConnectionState.DIALING,
                ConnectionState.ESTABLISHED,
                ConnectionState.ESTABLISHED,
                ConnectionState.ESTABLISHED,
                ConnectionState.CLOSED,
                ConnectionState.ERROR));

    assertThat(counts.format())
        .isEqualTo("Total: 8, Dialing: 1, Established: 3, Closed: 1, Error: 1, NotInitiated: 2");
  }
}
