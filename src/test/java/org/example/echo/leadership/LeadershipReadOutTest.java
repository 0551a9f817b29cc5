package org.example.echo.leadership;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.example.echo.core.CurrentRole;
import org.example.echo.core.RoleStatus;
import org.junit.jupiter.api.Test;

/**
 * What Leadership reports for the metrics: the age of the last confirmation that its session holds the key (t_c),
 * and of the last accepted keep-alive while it has a session (t_h).
 */
class LeadershipReadOutTest {

  private static final LeadershipTiming TIMING = LeadershipTiming.defaults();
  private final FakeTime time = new FakeTime();
  private final FakeConsul consul = new FakeConsul(time, LeadershipTest.TERMS);
  private final Leadership leadership = new Leadership(consul.portFor("a"), new RecordingGate(),
      new CurrentRole(RoleStatus.starting(Instant.EPOCH)), TIMING, time, new Candidate("a", "10.0.0.1", 8080));

  @Test
  void confirmationAgeIsEmptyUntilTheKeyIsHeldAndConfirmedThenRestartsWithEveryConfirmation() {
    assertThat(leadership.sinceConfirmed()).isEmpty();
    leadership.keepAlive(); // register, heartbeat, session
    assertThat(leadership.sinceConfirmed()).as("a session, but no key yet").isEmpty();
    for (int i = 0; i < 20 && leadership.sinceConfirmed().isEmpty(); i++) { // acquires once old enough
      time.advance(TIMING.heartbeatInterval());
      leadership.keepAlive();
      leadership.watch();
    }
    leadership.confirm();
    assertThat(leadership.sinceConfirmed()).hasValue(Duration.ZERO);

    time.advance(Duration.ofMillis(200));
    assertThat(leadership.sinceConfirmed()).hasValue(Duration.ofMillis(200));

    leadership.confirm();
    assertThat(leadership.sinceConfirmed()).hasValue(Duration.ZERO);
  }

  @Test
  void keepAliveAgeIsEmptyWithoutASessionAndRestartsWithEveryAcceptedKeepAlive() {
    assertThat(leadership.sinceKeptAlive()).isEmpty();
    leadership.keepAlive(); // register, heartbeat, session
    assertThat(leadership.sinceKeptAlive()).as("a standby's session").hasValue(Duration.ZERO);

    time.advance(Duration.ofMillis(150));
    assertThat(leadership.sinceKeptAlive()).hasValue(Duration.ofMillis(150));

    leadership.keepAlive();
    assertThat(leadership.sinceKeptAlive()).hasValue(Duration.ZERO);
  }
}
