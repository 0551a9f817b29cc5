package org.example.echo.ws;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;

/** Captured log messages, read under the appender's lock: server threads may append while a test reads. */
final class LogLines {
  private LogLines() {}

  static List<String> messages(ListAppender<ILoggingEvent> appender) {
    // AppenderBase.doAppend holds the appender's monitor while it adds to the list.
    synchronized (appender) {
      return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
  }
}
