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
 * An in-memory lock service with Consul's rules that matter here: sessions tied to a check, acquire/release,
 * lock-delay after invalidation, indexes, losing all state. Reads never block, unless {@link
 * #withBlockingReads()} (for the real loops, which would spin on reads that always answer at once).
 */
public final class FakeConsul {
  private final TimeSource time;
  private final Duration lockDelay;
  private boolean blockingReads;
  private long index = 10;
  private int sessionCounter;
  private boolean down;
  final Map<String, Boolean> services = new HashMap<>(); // instance -> leader tag
  final Map<String, String> sessionOwner = new HashMap<>(); // session -> instance
  final List<String> calls = new ArrayList<>();
  /** Calls (by name, e.g. "destroySession") that fail as if the Consul servers had no leader. */
  final Set<String> failing = new HashSet<>();
  private final Set<String> destroyed = new HashSet<>();
  // The key.
  private boolean keyExists;
  private String keySession;
  private String keyValue = "";
  private long lockDelayUntil = Long.MIN_VALUE;
  /** Runs inside the next acquire, before it answers: lets a test act while a call is in flight. */
  Runnable duringAcquire = () -> {};
  /** Runs inside the next register, after Consul applied it and before it answers. */
  Runnable duringRegister = () -> {};
  /** Runs inside the next createSession, before it answers. */
  Runnable duringCreateSession = () -> {};
  /** Runs inside the next heartbeat, before it answers. */
  Runnable duringHeartbeat = () -> {};
  /** Runs after the next successful acquire, before it answers. */
  Runnable afterAcquire = () -> {};
  /** Runs inside the next deregister, before Consul applies it. */
  public volatile Runnable duringDeregister = () -> {};

  /** {@code time} measures the lock-delay. */
  public FakeConsul(TimeSource time, Duration lockDelay) {
    this.time = time;
    this.lockDelay = lockDelay;
  }

  /** Reads with an index wait, in real time, until the key changes or the wait is over, as Consul's do. */
  public synchronized FakeConsul withBlockingReads() {
    blockingReads = true;
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

  synchronized void setDown(boolean down) {
    this.down = down;
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

  public synchronized Optional<String> holderSession() {
    return Optional.ofNullable(keySession);
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
      public void register(boolean leaderTag) throws LockPortException {
        call(instance, "register " + leaderTag);
        synchronized (FakeConsul.this) {
          services.put(instance, leaderTag);
        }
        Runnable hook = duringRegister;
        duringRegister = () -> {};
        hook.run();
      }

      @Override
      public void heartbeat() throws LockPortException {
        call(instance, "heartbeat");
        Runnable hook = duringHeartbeat;
        duringHeartbeat = () -> {};
        hook.run();
        synchronized (FakeConsul.this) {
          if (!services.containsKey(instance)) {
            throw new LockPortException(Kind.NOT_REGISTERED, "CheckID does not have associated TTL");
          }
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
          FakeConsul.this.notifyAll();
        }
        Runnable after = afterAcquire;
        afterAcquire = () -> {};
        after.run();
        return true;
      }

      @Override
      public KeyState read(long seenIndex, Duration wait) throws LockPortException {
        call(instance, "read");
        synchronized (FakeConsul.this) {
          awaitChange(seenIndex, wait);
          if (!keyExists) {
            return KeyState.absent(index);
          }
          return new KeyState(index, true, Optional.ofNullable(keySession), keyValue);
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
      public void deregister() throws LockPortException {
        call(instance, "deregister");
        Runnable hook = duringDeregister;
        duringDeregister = () -> {};
        hook.run();
        synchronized (FakeConsul.this) {
          services.remove(instance);
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

  private synchronized void call(String instance, String what) throws LockPortException {
    calls.add(instance + " " + what);
    if (down) {
      throw new LockPortException(Kind.UNAVAILABLE, "connection refused");
    }
    if (failing.contains(what)) {
      throw new LockPortException(Kind.UNAVAILABLE, "500 No cluster leader");
    }
  }
}
