package org.example.echo.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.example.echo.leadership.LockPortException;
import org.example.echo.leadership.LockPortException.Kind;
import org.junit.jupiter.api.Test;

class AgentRegistrationTest {

  /** An agent that records calls and whose state tests set. */
  private static final class FakeAgent implements AgentRegistration.Agent {
    final List<String> calls = new ArrayList<>();
    boolean known;
    boolean tagged;
    boolean down;
    boolean tagFails;
    Runnable duringRegister = () -> {};

    @Override
    public void register(boolean tag) throws LockPortException {
      calls.add("register " + tag);
      if (down) {
        throw new LockPortException(Kind.UNAVAILABLE, "connection refused");
      }
      known = true;
      tagged = tag;
      Runnable hook = duringRegister;
      duringRegister = () -> {};
      hook.run();
    }

    @Override
    public void retag(boolean tag) throws LockPortException {
      calls.add("retag " + tag);
      if (down || tagFails) {
        throw new LockPortException(Kind.UNAVAILABLE, "timeout");
      }
      tagged = tag;
      Runnable hook = duringRegister;
      duringRegister = () -> {};
      hook.run();
    }

    @Override
    public void pass() throws LockPortException {
      calls.add("pass");
      if (down) {
        throw new LockPortException(Kind.UNAVAILABLE, "connection refused");
      }
      if (!known) {
        throw new LockPortException(Kind.NOT_REGISTERED, "CheckID does not have associated TTL");
      }
    }

    @Override
    public void deregister() throws LockPortException {
      calls.add("deregister");
      if (down) {
        throw new LockPortException(Kind.UNAVAILABLE, "connection refused");
      }
      known = false;
    }
  }

  private final FakeAgent agent = new FakeAgent();
  private int registrations;
  private final AgentRegistration registration = new AgentRegistration(agent, "a", () -> registrations++);

  @Test
  void registersOnceThenOnlyPasses() throws Exception {
    registration.keepAlive(false);
    registration.keepAlive(false);
    assertThat(agent.calls).containsExactly("register false", "pass", "pass");
    assertThat(registrations).isOne();
  }

  @Test
  void theTagFollowsServing() throws Exception {
    registration.keepAlive(false);
    registration.keepAlive(true);
    assertThat(agent.tagged).isTrue();
    registration.keepAlive(true);
    registration.keepAlive(false);
    assertThat(agent.tagged).isFalse();
    assertThat(agent.calls).containsExactly(
        "register false", "pass", "pass", "retag true", "pass", "pass", "retag false");
  }

  @Test
  void aFailedTagUpdateIsRetriedAndDoesNotFailTheKeepAlive() throws Exception {
    registration.keepAlive(false);
    agent.tagFails = true;
    registration.keepAlive(true);
    assertThat(agent.tagged).isFalse();
    agent.tagFails = false;
    registration.keepAlive(true);
    assertThat(agent.tagged).isTrue();
  }

  @Test
  void anUnknownCheckRegistersAgainNextTime() throws Exception {
    registration.keepAlive(false);
    agent.known = false; // the agent lost its state
    assertThatThrownBy(() -> registration.keepAlive(false))
        .isInstanceOfSatisfying(LockPortException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_REGISTERED));
    registration.keepAlive(false);
    assertThat(agent.known).isTrue();
    assertThat(registrations).isEqualTo(2);
  }

  @Test
  void anUnreachableAgentIsReportedAndRegistrationRetried() throws Exception {
    agent.down = true;
    assertThatThrownBy(() -> registration.keepAlive(false))
        .isInstanceOfSatisfying(LockPortException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE));
    agent.down = false;
    registration.keepAlive(false);
    assertThat(agent.calls).containsExactly("register false", "register false", "pass");
  }

  @Test
  void aFailedPassKeepsTheRegistration() throws Exception {
    registration.keepAlive(false);
    agent.down = true;
    assertThatThrownBy(() -> registration.keepAlive(false)).isInstanceOf(LockPortException.class);
    agent.down = false;
    registration.keepAlive(false);
    assertThat(agent.calls).containsExactly("register false", "pass", "pass", "pass");
  }

  @Test
  void aRegistrationThatLandsAfterLeaveIsUndone() {
    // The runner gave up waiting for a slow register: SIGTERM handling leaves while it is in flight.
    agent.duringRegister = this::leave;
    assertThatThrownBy(() -> registration.keepAlive(false)).isInstanceOf(LockPortException.class);
    assertThat(agent.known).isFalse();
    assertThat(agent.calls).containsExactly("register false", "deregister", "deregister");
    assertThat(registrations).isZero();
  }

  @Test
  void aLeaderTagUpdateThatLandsAfterLeaveIsUndone() throws Exception {
    registration.keepAlive(false);
    agent.duringRegister = this::leave;
    registration.keepAlive(true); // re-registers with the leader tag
    assertThat(agent.known).isFalse();
    assertThat(agent.calls).endsWith("retag true", "deregister", "deregister");
  }

  @Test
  void aFailedUndoIsOnlyLogged() throws Exception {
    registration.keepAlive(false);
    agent.duringRegister = () -> {
      leave();
      agent.down = true;
    };
    registration.keepAlive(true);
    assertThat(agent.calls).endsWith("retag true", "deregister", "deregister");
  }

  @Test
  void afterLeavingAKeepAliveRegistersNothingThatStays() throws Exception {
    registration.keepAlive(false);
    registration.leave();
    assertThatThrownBy(() -> registration.keepAlive(false)).isInstanceOf(LockPortException.class);
    assertThat(agent.known).isFalse();
  }

  /** SIGTERM handling leaving while a register is in flight. */
  private void leave() {
    try {
      registration.leave();
    } catch (LockPortException e) {
      throw new AssertionError(e);
    }
  }
}
