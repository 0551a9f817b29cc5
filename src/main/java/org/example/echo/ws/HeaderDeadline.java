package org.example.echo.ws;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A deadline for the request header ({@code --header-timeout}): an HTTP connection must complete a request
 * header within it of opening, else it gets a 408 (or, having sent nothing, is just closed). The idle timeout
 * cannot do this: every byte resets it, so 500 connections sending a header byte a second stayed open for good.
 * Upgraded (WebSocket) connections are not affected. Plain HTTP answers close their connection (Responses); were
 * a connection kept alive, a next header that has begun would have to be complete within one to two deadlines,
 * and one that has not begun would be left to the idle timeout.
 */
final class HeaderDeadline implements Connection.Listener {

  private static final Logger log = LoggerFactory.getLogger(HeaderDeadline.class);

  private final long deadlineMs;
  private final Scheduler scheduler;
  private final byte[] timeoutAnswer;
  private final RateLimitedLog cuts = new RateLimitedLog(log, Duration.ofSeconds(1));

  HeaderDeadline(Duration deadline, Scheduler scheduler) {
    this.deadlineMs = deadline.toMillis();
    this.scheduler = scheduler;
    byte[] body = ("request header not complete within " + deadlineMs + " ms (--header-timeout)\n")
        .getBytes(StandardCharsets.UTF_8);
    this.timeoutAnswer = ("HTTP/1.1 408 Request Timeout\r\nContent-Type: text/plain; charset=utf-8\r\n"
        + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n"
        + new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void onOpened(Connection connection) {
    if (connection instanceof HttpConnection http) {
      schedule(http, 0, false);
    }
  }

  @Override
  public void onClosed(Connection connection) {
    // The next check finds the end point closed and ends.
  }

  private void schedule(HttpConnection http, long requestsSoFar, boolean headerBegun) {
    scheduler.schedule(() -> check(http, requestsSoFar, headerBegun), deadlineMs, TimeUnit.MILLISECONDS);
  }

  /**
   * A deadline passed. No request yet: cut. Kept alive: cut if the same next header was already begun at the
   * previous check (no request completed since) and still is not complete.
   */
  private void check(HttpConnection http, long requestsBefore, boolean headerBegunBefore) {
    EndPoint endPoint = http.getEndPoint();
    if (!endPoint.isOpen() || endPoint.getConnection() != http) {
      return; // closed, or upgraded to WebSocket
    }
    long requests = http.getMessagesIn();
    boolean waiting = requests == http.getMessagesOut(); // no request being handled
    boolean headerBegun = waiting && !http.getParser().isStart() && http.getParser().inHeaderState();
    if (requests == 0 && http.getBytesIn() == 0) {
      endPoint.close(); // silent since it opened: nothing to answer
    } else if (requests == 0 || (requests == requestsBefore && headerBegun && headerBegunBefore)) {
      cuts.warn("cut a connection whose request header was not complete within " + deadlineMs
          + " ms (--header-timeout), last from " + endPoint.getRemoteSocketAddress());
      answerAndClose(endPoint);
    } else {
      schedule(http, requests, headerBegun);
    }
  }

  private void answerAndClose(EndPoint endPoint) {
    try {
      endPoint.write(Callback.from(endPoint::close, x -> endPoint.close()), ByteBuffer.wrap(timeoutAnswer));
    } catch (RuntimeException e) { // a write of Jetty's own in progress (WritePendingException): just close
      endPoint.close();
    }
  }
}
