package org.example.echo.leadership;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.example.echo.core.CurrentRole;
import org.example.echo.core.RoleStatus;
import org.junit.jupiter.api.Test;

/** What Leadership reports for the metrics: the age of the last confirmation of its session. */
class LeadershipReadOutTest {

  private static final LeadershipTiming TIMING = LeadershipTiming.defaults();
  private final FakeTime time = new FakeTime();
  private final FakeConsul consul = new FakeConsul(time, TIMING.lockDelay());
  private final Leadership leadership = new Leadership(consul.portFor("a"), new RecordingGate(),
      new CurrentRole(RoleStatus.starting(Instant.EPOCH)), TIMING, time, new Candidate("a", "10.0.0.1", 8080));

  @Test
  void confirmationAgeIsEmptyWithoutASessionAndRestartsWithEveryHeartbeat() {
    assertThat(leadership.sinceConfirmed()).isEmpty();
    leadership.maintain(); // register
    leadership.maintain(); // heartbeat, then the session
    assertThat(leadership.sinceConfirmed()).hasValue(Duration.ZERO);

    time.advance(Duration.ofMillis(200));
    assertThat(leadership.sinceConfirmed()).hasValue(Duration.ofMillis(200));

    leadership.maintain(); // heartbeat and session check: confirmed as of the heartbeat's send time
    assertThat(leadership.sinceConfirmed()).hasValue(Duration.ZERO);
  }
}
