package org.example.echo.leadership;

import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The leader key's value: who holds (or last released) the lock. A small fixed JSON object, written and read
 * only by this class, so a JSON library is not needed.
 *
 * @param state {@code held} while the lock is held, {@code released} after a clean release
 */
public record HolderRecord(String state, String id, String address, int port, Instant since) {

  static final String HELD = "held";
  static final String RELEASED = "released";

  private static final Pattern FIELD =
      Pattern.compile("\"(state|id|address|port|since)\"\\s*:\\s*(?:\"([^\"]*)\"|(\\d+))");

  public static HolderRecord held(Candidate c, Instant since) {
    return new HolderRecord(HELD, c.id(), c.address(), c.port(), since);
  }

  public static HolderRecord released(Candidate c, Instant at) {
    return new HolderRecord(RELEASED, c.id(), c.address(), c.port(), at);
  }

  public String toJson() {
    return String.format(
        "{\"state\":\"%s\",\"id\":\"%s\",\"address\":\"%s\",\"port\":%d,\"since\":\"%s\"}",
        plain(state), plain(id), plain(address), port, since);
  }

  /** Parses a value written by {@link #toJson()}; empty for anything else. */
  public static Optional<HolderRecord> parse(String json) {
    String state = null;
    String id = null;
    String address = null;
    Integer port = null;
    Instant since = null;
    Matcher m = FIELD.matcher(json);
    try {
      while (m.find()) {
        String text = m.group(2) != null ? m.group(2) : m.group(3);
        switch (m.group(1)) {
          case "state" -> state = text;
          case "id" -> id = text;
          case "address" -> address = text;
          case "port" -> port = Integer.valueOf(text);
          default -> since = Instant.parse(text);
        }
      }
    } catch (RuntimeException malformed) {
      return Optional.empty();
    }
    if (state == null || id == null || address == null || port == null || since == null) {
      return Optional.empty();
    }
    return Optional.of(new HolderRecord(state, id, address, port, since));
  }

  /** How /healthz and the logs show the holder. */
  public String describe() {
    String who = id + "@" + address + ":" + port;
    return RELEASED.equals(state) ? "none (released by " + who + ")" : who;
  }

  // Ids and addresses never contain quotes or backslashes; strip them rather than escape.
  private static String plain(String s) {
    return s.replace("\"", "").replace("\\", "");
  }
}
