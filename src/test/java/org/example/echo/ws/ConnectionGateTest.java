package org.example.echo.ws;

import static org.assertj.core.api.Assertions.assertThat;

import org.example.echo.metrics.ServiceMetrics;
import org.junit.jupiter.api.Test;

/** A connection joins the gate only in the open period in which its upgrade was decided. */
class ConnectionGateTest {

  private final ConnectionGate gate = new ConnectionGate();

  private EchoEndpoint decidedNow() {
    long period = gate.period(); // as EchoServer takes it, before it asks whether the gate is open
    assertThat(gate.isOpen()).isTrue();
    return new EchoEndpoint(gate.nextConnectionId(), period, "127.0.0.1:1", gate, null, Runnable::run, () -> 0, 8,
        new ServiceMetrics().websocket());
  }

  @Test
  void anUpgradeDecidedWhileOpenJoins() {
    gate.open();
    EchoEndpoint endpoint = decidedNow();
    assertThat(gate.add(endpoint)).isTrue();
    assertThat(gate.size()).isOne();
  }

  @Test
  void anUpgradeDecidedBeforeACloseDoesNotJoinEvenIfTheGateOpenedAgain() {
    gate.open();
    EchoEndpoint endpoint = decidedNow();
    gate.close(1001, "not serving");
    gate.open(); // the lock lost and won again before this connection's open
    assertThat(gate.add(endpoint)).isFalse();
    assertThat(gate.size()).isZero();
  }

  @Test
  void anUpgradeDecidedBeforeACloseDoesNotJoinTheClosedGate() {
    gate.open();
    EchoEndpoint endpoint = decidedNow();
    gate.close(1001, "not serving");
    assertThat(gate.add(endpoint)).isFalse();
  }
}
