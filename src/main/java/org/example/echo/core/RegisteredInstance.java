package org.example.echo.core;

import java.util.List;

/**
 * One instance as the lock service lists it.
 *
 * @param id the registration's id (new on every start)
 * @param address the IP it registered, where its {@code /healthz} answers
 * @param port its port
 * @param health the lock service's view of its check: {@code passing}, {@code warning} or {@code critical}
 */
public record RegisteredInstance(String id, String address, int port, String health) {

  private static final List<String> BEST_FIRST = List.of("passing", "warning", "critical");

  /**
   * A check state's place from best (0) to worst. An unknown state ranks below critical: better an instance shown
   * too sick than too healthy.
   */
  public static int healthRank(String health) {
    int i = BEST_FIRST.indexOf(health);
    return i < 0 ? BEST_FIRST.size() : i;
  }
}
