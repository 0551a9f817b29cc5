package org.example.echo.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class FailuresTest {

  @Test
  void aFailureIsItsKindAndMessage() {
    assertThat(Failures.describe(new ConnectException("Connection refused")))
        .isEqualTo("ConnectException: Connection refused");
    assertThat(Failures.describe(new ClosedChannelException())).isEqualTo("ClosedChannelException");
  }

  @Test
  void aTimeoutNamesTheLimitThatRanOut() {
    assertThat(Failures.describe(new TimeoutException(), Duration.ofMillis(750))).isEqualTo("no answer within 750 ms");
    assertThat(Failures.describe(new IOException(new TimeoutException("Total timeout 750 ms elapsed")),
            Duration.ofMillis(750)))
        .isEqualTo("no answer within 750 ms");
    assertThat(Failures.describe(new ConnectException("Connection refused"), Duration.ofMillis(750)))
        .isEqualTo("ConnectException: Connection refused");
  }

  @Test
  void aFutureStagesFailureIsReportedAsWhatCausedIt() {
    ConnectException refused = new ConnectException("Connection refused");

    assertThat(Failures.unwrap(new CompletionException(refused))).isSameAs(refused);
    assertThat(Failures.unwrap(refused)).isSameAs(refused);
  }
}
