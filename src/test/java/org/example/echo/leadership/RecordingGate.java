package org.example.echo.leadership;

import java.util.ArrayList;
import java.util.List;
import org.example.echo.core.TrafficGate;

/** A gate that remembers how it was closed. */
final class RecordingGate implements TrafficGate {
  private boolean open;
  final List<Integer> closeCodes = new ArrayList<>();
  int opens;

  @Override
  public synchronized void open() {
    open = true;
    opens++;
  }

  @Override
  public synchronized void close(int closeCode, String reason) {
    open = false;
    closeCodes.add(closeCode);
  }

  @Override
  public synchronized boolean isOpen() {
    return open;
  }
}
