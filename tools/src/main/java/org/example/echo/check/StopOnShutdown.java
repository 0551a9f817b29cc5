package org.example.echo.check;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C / SIGTERM while a tool runs: stop it, then hold the JVM's exit for up to 5 s so that the tool can print
 * its summary and close its connections. {@link #done()} when the tool has finished removes the hook again.
 */
final class StopOnShutdown {

  private static final long FINISH_SECONDS = 5;
  private final CountDownLatch finished = new CountDownLatch(1);
  private final Thread hook;

  private StopOnShutdown(String threadName, Runnable stop) {
    this.hook = new Thread(() -> stopAndAwait(stop), threadName);
  }

  static StopOnShutdown install(String threadName, Runnable stop) {
    StopOnShutdown onShutdown = new StopOnShutdown(threadName, stop);
    Runtime.getRuntime().addShutdownHook(onShutdown.hook);
    return onShutdown;
  }

  private void stopAndAwait(Runnable stop) {
    stop.run();
    try {
      finished.await(FINISH_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The tool has finished (by itself or after the stop): let the JVM exit, and drop the hook if it can. */
  void done() {
    finished.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The JVM is already exiting and runs the hook; nothing to undo.
    }
  }
}
