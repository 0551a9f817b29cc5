package org.example.echo.leadership;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.example.echo.leadership.LockPortException.Kind;

/**
 * An in-memory lock service with Consul's rules that matter here: registration and a check passed by keep-alives,
 * sessions tied to it, acquire/release, lock-delay after an invalidation, indexes, losing all state, a cluster
 * without a raft leader (the agent still answers keep-alives, nothing that needs the servers works), an instance
 * cut off from the servers, and, if {@link #withFailureDetection()}, the two ways Consul invalidates a session on
 * its own: the check not passed for the TTL, and the node not reachable for the gossip suspicion time (both only
 * while there is a raft leader). Reads never block, unless {@link #withBlockingReads()} (for the real loops).
 */
public final class FakeConsul {
  private final TimeSource time;
  private final LeaseTerms terms;
  private final Duration lockDelay;
  private final Duration suspicion;
  private boolean blockingReads;
  private boolean failureDetection;
  private long index = 10;
  private int sessionCounter;
  private boolean down;
  private boolean noLeader;
  final Map<String, Boolean> services = new HashMap<>(); // instance -> leader tag
  private final Set<String> registeredByPort = new HashSet<>();
  final Map<String, String> sessionOwner = new HashMap<>(); // session -> instance
  final List<String> calls = new ArrayList<>();
  /** Calls (by name, e.g. "destroySession") that fail as if the Consul servers had no leader. */
  final Set<String> failing = new HashSet<>();
  private final Set<String> destroyed = new HashSet<>();
  private final Map<String, Long> lastPass = new HashMap<>();
  private final Map<String, Long> cutSince = new HashMap<>();
  // The key.
  private boolean keyExists;
  private String keySession;
  private String keyValue = "";
  private long lockDelayUntil = Long.MIN_VALUE;
  private final List<String> acquisitions = new ArrayList<>();
  /** Runs inside the next acquire, before it answers: lets a test act while a call is in flight. */
  Runnable duringAcquire = () -> {};
  /** Runs inside the next createSession, before it answers. */
  Runnable duringCreateSession = () -> {};
  /** Runs inside the next confirmation, before it reads the key. */
  Runnable duringConfirm = () -> {};
  /** The index of the last watch read. */
  long lastWatchIndex = -1;
  /** Runs inside the next keep-alive, before it answers. */
  Runnable duringHeartbeat = () -> {};
  /** Runs after the next successful acquire, before it answers. */
  Runnable afterAcquire = () -> {};
  /** Runs inside the next leave, before Consul applies it. */
  public volatile Runnable duringDeregister = () -> {};

  /** {@code time} measures the lock-delay; {@code terms} are what the ports promise. */
  public FakeConsul(TimeSource time, LeaseTerms terms) {
    this.time = time;
    this.terms = terms;
    this.lockDelay = terms.holdAfterKeepAlive();
    this.suspicion = terms.holdAfterConfirm().minus(terms.holdAfterKeepAlive());
  }

  /** Reads with an index wait, in real time, until the key changes or the wait is over, as Consul's do. */
  public synchronized FakeConsul withBlockingReads() {
    blockingReads = true;
    return this;
  }

  /** Consul's own invalidations: check TTL ({@code keepAliveExpiry}) and gossip (the suspicion time). */
  synchronized FakeConsul withFailureDetection() {
    failureDetection = true;
    return this;
  }

  /** The calls so far, as "instance call", in order. */
  public synchronized List<String> callsSoFar() {
    return List.copyOf(calls);
  }

  /** Whether the instance is registered (with or without the leader tag). */
  public synchronized boolean registered(String instance) {
    return services.containsKey(instance);
  }

  /** Consul unreachable: every call fails. */
  synchronized void setDown(boolean down) {
    this.down = down;
  }

  /** The servers have no raft leader: keep-alives (answered by the local agent) work, nothing else does. */
  synchronized void setNoLeader(boolean noLeader) {
    this.noLeader = noLeader;
    detect();
  }

  /** The instance's host is cut off from the servers: its agent answers, nothing else; gossip sees it gone. */
  synchronized void cut(String instance, boolean cut) {
    if (cut) {
      cutSince.putIfAbsent(instance, time.nanos());
    } else {
      cutSince.remove(instance);
    }
  }

  /** Dev agent restart: everything forgotten, indexes start over. */
  synchronized void wipe() {
    services.clear();
    sessionOwner.clear();
    keyExists = false;
    keySession = null;
    keyValue = "";
    index = 1;
    notifyAll();
  }

  /** What an operator's session destroy (or a critical check) does. */
  synchronized void invalidate(String session) {
    if (sessionOwner.remove(session) != null && session.equals(keySession)) {
      keySession = null;
      index++;
      lockDelayUntil = time.nanos() + lockDelay.toNanos();
      notifyAll();
    }
  }

  /** Lets Consul's own failure detection act now (tests call it as time passes). */
  synchronized void detect() {
    if (!failureDetection || noLeader || down) {
      return;
    }
    long now = time.nanos();
    for (Map.Entry<String, String> e : List.copyOf(sessionOwner.entrySet())) {
      String owner = e.getValue();
      Long passed = lastPass.get(owner);
      boolean expired = passed == null || now - passed >= terms.keepAliveExpiry().toNanos();
      Long cut = cutSince.get(owner);
      boolean failed = cut != null && now - cut >= suspicion.toNanos();
      if (expired || failed) {
        invalidate(e.getKey());
      }
    }
  }

  public synchronized Optional<String> holderSession() {
    return Optional.ofNullable(keySession);
  }

  /** Every successful acquire so far, as "session at nanos". */
  synchronized List<String> acquisitions() {
    return List.copyOf(acquisitions);
  }

  synchronized String keyValue() {
    return keyValue;
  }

  synchronized boolean destroyed(String session) {
    return destroyed.contains(session);
  }

  public LockPort portFor(String instance) {
    return new LockPort() {
      @Override
      public LeaseTerms terms() {
        return terms;
      }

      @Override
      public void keepAlive(boolean serving) throws LockPortException {
        agentCall(instance, "keepAlive");
        Runnable hook = duringHeartbeat;
        duringHeartbeat = () -> {};
        hook.run();
        synchronized (FakeConsul.this) {
          if (registeredByPort.add(instance)) {
            services.put(instance, serving);
          } else if (!services.containsKey(instance)) {
            registeredByPort.remove(instance);
            throw new LockPortException(Kind.NOT_REGISTERED, "CheckID does not have associated TTL");
          }
          services.put(instance, serving);
          lastPass.put(instance, time.nanos());
        }
      }

      @Override
      public String createSession() throws LockPortException {
        call(instance, "createSession");
        Runnable hook = duringCreateSession;
        duringCreateSession = () -> {};
        hook.run();
        synchronized (FakeConsul.this) {
          sessionCounter++;
          String s = instance + "-s" + sessionCounter;
          sessionOwner.put(s, instance);
          return s;
        }
      }

      @Override
      public boolean sessionAlive(String session) throws LockPortException {
        call(instance, "sessionAlive");
        synchronized (FakeConsul.this) {
          return sessionOwner.containsKey(session);
        }
      }

      @Override
      public boolean acquire(String session, String value) throws LockPortException {
        call(instance, "acquire");
        Runnable hook = duringAcquire;
        duringAcquire = () -> {};
        hook.run();
        synchronized (FakeConsul.this) {
          if (!sessionOwner.containsKey(session)) {
            throw new LockPortException(Kind.SESSION_INVALID, "invalid session");
          }
          if (keySession != null && !keySession.equals(session)) {
            return false;
          }
          if (keySession == null && time.nanos() < lockDelayUntil) {
            return false;
          }
          index++;
          keyExists = true;
          keySession = session;
          keyValue = value;
          acquisitions.add(session + " at " + time.nanos());
          FakeConsul.this.notifyAll();
        }
        Runnable after = afterAcquire;
        afterAcquire = () -> {};
        after.run();
        return true;
      }

      @Override
      public KeyState watch(long seenIndex, Duration wait) throws LockPortException {
        call(instance, "watch");
        synchronized (FakeConsul.this) {
          lastWatchIndex = seenIndex;
          awaitChange(seenIndex, wait);
          return key();
        }
      }

      @Override
      public KeyState confirm() throws LockPortException {
        call(instance, "confirm");
        Runnable hook = duringConfirm;
        duringConfirm = () -> {};
        hook.run();
        synchronized (FakeConsul.this) {
          return key();
        }
      }

      @Override
      public void release(String session, String value) throws LockPortException {
        call(instance, "release");
        synchronized (FakeConsul.this) {
          if (session.equals(keySession)) {
            keySession = null;
            keyValue = value;
            index++;
            FakeConsul.this.notifyAll();
          }
        }
      }

      @Override
      public void destroySession(String session) throws LockPortException {
        call(instance, "destroySession");
        synchronized (FakeConsul.this) {
          destroyed.add(session);
        }
        invalidate(session);
      }

      @Override
      public void leave() throws LockPortException {
        agentCall(instance, "leave");
        Runnable hook = duringDeregister;
        duringDeregister = () -> {};
        hook.run();
        synchronized (FakeConsul.this) {
          services.remove(instance);
          registeredByPort.remove(instance);
          // A deregistered check invalidates the sessions tied to it.
          sessionOwner.entrySet().stream()
              .filter(e -> e.getValue().equals(instance))
              .map(Map.Entry::getKey)
              .toList()
              .forEach(FakeConsul.this::invalidate);
        }
      }
    };
  }

  /** Under the monitor. */
  private KeyState key() {
    if (!keyExists) {
      return KeyState.absent(index);
    }
    return new KeyState(index, true, Optional.ofNullable(keySession), keyValue);
  }

  /** Under the monitor. An interrupt (the watch loop stopping) ends the wait like a timeout. */
  private void awaitChange(long seenIndex, Duration wait) {
    if (!blockingReads || seenIndex <= 0) {
      return;
    }
    long deadline = System.nanoTime() + wait.toNanos();
    try {
      for (long left = wait.toNanos(); index == seenIndex && left > 0; left = deadline - System.nanoTime()) {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A call the local agent answers alone. */
  private synchronized void agentCall(String instance, String what) throws LockPortException {
    calls.add(instance + " " + what);
    detect();
    if (down) {
      throw new LockPortException(Kind.UNAVAILABLE, "connection refused");
    }
    if (failing.contains(what)) {
      throw new LockPortException(Kind.UNAVAILABLE, "agent error");
    }
  }

  /** A call that needs the servers (and their raft leader). */
  private synchronized void call(String instance, String what) throws LockPortException {
    agentCall(instance, what);
    if (noLeader) {
      throw new LockPortException(Kind.UNAVAILABLE, "Unexpected response code: 500 (No cluster leader)");
    }
    if (cutSince.containsKey(instance)) {
      throw new LockPortException(Kind.UNAVAILABLE, "rpc error: no path to a server");
    }
  }
}
