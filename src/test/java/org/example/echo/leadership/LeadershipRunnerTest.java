package org.example.echo.leadership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.example.echo.core.CurrentRole;
import org.example.echo.core.RoleStatus;
import org.junit.jupiter.api.Test;

class LeadershipRunnerTest {
  private static final LeadershipTiming TIMING = LeadershipTiming.defaults();

  private final FakeTime time = new FakeTime();
  private final FakeConsul consul = new FakeConsul(time, LeadershipTest.TERMS);
  private final RecordingGate gate = new RecordingGate();
  private final Leadership leadership =
      new Leadership(consul.portFor("a"), gate, new CurrentRole(RoleStatus.starting(Instant.EPOCH)), TIMING, time,
          new Candidate("a", "10.0.0.1", 8080));

  @Test
  void anErrorInALoopClosesTheGateAndHalts() throws Exception {
    leadership.keepAlive(); // register, session
    for (int i = 0; i < 20 && !gate.isOpen(); i++) { // a new session acquires once it is old enough
      time.advance(TIMING.heartbeatInterval());
      leadership.keepAlive();
      leadership.watch();
      leadership.confirm();
      leadership.checkDeadlines();
    }
    assertThat(gate.isOpen()).isTrue();

    consul.duringHeartbeat = () -> {
      throw new OutOfMemoryError("test: heap exhausted");
    };
    CompletableFuture<Integer> halted = new CompletableFuture<>();
    LeadershipRunner runner = new LeadershipRunner(leadership, halted::complete);
    runner.start();
    try {
      await().atMost(Duration.ofSeconds(10)).until(halted::isDone);
      assertThat(halted.get()).isEqualTo(LeadershipRunner.ERROR_EXIT);
      assertThat(gate.isOpen()).isFalse();
      assertThat(gate.closeCodes).containsExactly(Leadership.LOST_LOCK_CODE);
    } finally {
      runner.stop(Duration.ofSeconds(1));
    }
  }
}
