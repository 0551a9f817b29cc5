package org.example.echo.leadership;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The leader key's value: who holds (or last released) the lock, as a small JSON object.
 *
 * @param state {@code held} while the lock is held, {@code released} after a clean release
 */
public record HolderRecord(String state, String id, String address, int port, Instant since) {

  static final String HELD = "held";
  static final String RELEASED = "released";

  // Every field must be there; fields a newer version may add are ignored (see Stored).
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES);

  public static HolderRecord held(Candidate c, Instant since) {
    return new HolderRecord(HELD, c.id(), c.address(), c.port(), since);
  }

  public static HolderRecord released(Candidate c, Instant at) {
    return new HolderRecord(RELEASED, c.id(), c.address(), c.port(), at);
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(new Stored(state, id, address, port, since.toString()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + this, e); // strings and a number always can be
    }
  }

  /** Parses a value written by {@link #toJson()}; empty for anything else. */
  public static Optional<HolderRecord> parse(String json) {
    try {
      return Optional.ofNullable(JSON.readValue(json, Stored.class)) // null for the JSON literal null
          .map(s -> new HolderRecord(s.state(), s.id(), s.address(), s.port(), Instant.parse(s.since())));
    } catch (JsonProcessingException | DateTimeParseException malformed) {
      return Optional.empty();
    }
  }

  /** How /healthz and the logs show the holder. */
  public String describe() {
    String who = id + "@" + address + ":" + port;
    return RELEASED.equals(state) ? "none (released by " + who + ")" : who;
  }

  /**
   * The value as stored, in this field order. {@code since} is ISO-8601 text: Jackson's java.time module is not
   * on the classpath. Unknown fields are ignored so instances of different versions can read each other.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  private record Stored(String state, String id, String address, Integer port, String since) {}
}
