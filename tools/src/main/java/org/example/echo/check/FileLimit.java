package org.example.echo.check;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.OptionalLong;

/** The open-file limit of this process: every connection is a socket, and sockets are files. */
final class FileLimit {
  /** Files a JVM and its clients keep open besides the sockets: jars, selectors, pipes, logs. */
  static final int RESERVE = 64;

  private FileLimit() {}

  /** How many more files this process may open, if the platform says. */
  static OptionalLong headroom() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof UnixOperatingSystemMXBean unix) {
      return OptionalLong.of(unix.getMaxFileDescriptorCount() - unix.getOpenFileDescriptorCount());
    }
    return OptionalLong.empty();
  }

  static OptionalLong max() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof UnixOperatingSystemMXBean unix) {
      return OptionalLong.of(unix.getMaxFileDescriptorCount());
    }
    return OptionalLong.empty();
  }
}
