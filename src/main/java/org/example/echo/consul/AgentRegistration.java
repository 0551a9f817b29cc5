package org.example.echo.consul;

import org.example.echo.leadership.LockPortException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's registration with its Consul agent, behind {@code LockPort.keepAlive}: registers when needed,
 * passes the TTL check, moves the {@code leader} tag to follow the gate, and makes sure a registration that lands
 * after {@link #leave()} is undone. Consul-free, so the races are unit-tested.
 */
final class AgentRegistration {
  private static final Logger log = LoggerFactory.getLogger(AgentRegistration.class);

  /** The agent calls it is made of. */
  interface Agent {
    /** Registers with a passing check (re-registering keeps the check passing); {@code tag}: the leader tag. */
    void register(boolean tag) throws LockPortException;

    /**
     * Registers again to move the tag; it runs between two heartbeats, so it must give up quickly (a registration
     * can hang while Consul elects a raft leader) and is retried on the next keep-alive.
     */
    void retag(boolean tag) throws LockPortException;

    void pass() throws LockPortException;

    void deregister() throws LockPortException;
  }

  private final Agent agent;
  private final String id;
  private final Runnable onRegistered;
  // Guarded by this.
  private boolean registered;
  private boolean tagged;
  private boolean left;

  /** {@code onRegistered} runs after each fresh registration (e.g. to read the agent's settings). */
  AgentRegistration(Agent agent, String id, Runnable onRegistered) {
    this.agent = agent;
    this.id = id;
    this.onRegistered = onRegistered;
  }

  /** Only the keep-alive loop calls this, so the calls to the agent do not overlap. */
  void keepAlive(boolean serving) throws LockPortException {
    if (!isRegistered()) {
      agent.register(serving);
      if (undoIfLeft()) {
        throw new LockPortException(LockPortException.Kind.UNAVAILABLE, "left the lock service");
      }
      synchronized (this) {
        registered = true;
        tagged = serving;
      }
      log.info("registered {} in Consul{}", id, serving ? " with the leader tag" : "");
      onRegistered.run();
    }
    try {
      agent.pass();
    } catch (LockPortException e) {
      if (e.kind() == LockPortException.Kind.NOT_REGISTERED) {
        synchronized (this) {
          registered = false;
        }
      }
      throw e;
    }
    boolean retag;
    synchronized (this) {
      retag = tagged != serving;
    }
    if (retag) {
      try {
        agent.retag(serving);
      } catch (LockPortException e) {
        log.warn("could not update the leader tag, will retry: {}", e.getMessage());
        return;
      }
      if (undoIfLeft()) {
        return;
      }
      synchronized (this) {
        tagged = serving;
      }
      log.info("registration now {} the leader tag", serving ? "carries" : "drops");
    }
  }

  void leave() throws LockPortException {
    synchronized (this) {
      left = true;
      registered = false;
    }
    agent.deregister();
    log.info("deregistered {} from Consul", id);
  }

  private synchronized boolean isRegistered() {
    return registered;
  }

  /**
   * After a registration call returned: if leave() ran meanwhile (the runner gave up waiting for a slow call), the
   * registration may have landed after the deregistration, so undo it.
   */
  private boolean undoIfLeft() {
    synchronized (this) {
      if (!left) {
        return false;
      }
    }
    try {
      agent.deregister();
      log.info("deregistered {} again: a registration landed after leaving", id);
    } catch (LockPortException e) {
      log.warn("could not deregister {} again (its check turns critical and is reaped): {}", id, e.getMessage());
    }
    return true;
  }
}
