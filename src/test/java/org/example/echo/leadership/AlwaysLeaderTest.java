package org.example.echo.leadership;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.example.echo.core.CurrentRole;
import org.example.echo.core.RoleStatus;
import org.junit.jupiter.api.Test;

class AlwaysLeaderTest {

  @Test
  void opensAtOnceSaysStandaloneAndClosesWith1001() {
    RecordingGate gate = new RecordingGate();
    CurrentRole role = new CurrentRole(RoleStatus.starting(Instant.EPOCH));
    AlwaysLeader lock = new AlwaysLeader(gate, role);
    lock.start();
    assertThat(gate.isOpen()).isTrue();
    assertThat(role.get().role()).isEqualTo("standalone");
    lock.release();
    assertThat(gate.closeCodes).containsExactly(Leadership.SHUTDOWN_CODE);
    lock.leave();
    assertThat(gate.opens).isOne();
  }
}
