package org.example.echo.leadership;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class HolderRecordTest {
  private final Candidate c = new Candidate("echo-1", "10.1.2.3", 8081);
  private final Instant t = Instant.parse("2026-05-01T10:00:00.123Z");

  @Test
  void roundTrips() {
    HolderRecord held = HolderRecord.held(c, t);
    assertThat(held.toJson())
        .isEqualTo("{\"state\":\"held\",\"id\":\"echo-1\",\"address\":\"10.1.2.3\",\"port\":8081,"
            + "\"since\":\"2026-05-01T10:00:00.123Z\"}");
    assertThat(HolderRecord.parse(held.toJson())).contains(held);
    assertThat(held.describe()).isEqualTo("echo-1@10.1.2.3:8081");
    assertThat(HolderRecord.released(c, t).describe()).isEqualTo("none (released by echo-1@10.1.2.3:8081)");
  }

  @Test
  void rejectsWhatItDidNotWrite() {
    assertThat(HolderRecord.parse("")).isEmpty();
    assertThat(HolderRecord.parse("{\"id\":\"x\"}")).isEmpty();
    assertThat(HolderRecord.parse(HolderRecord.held(c, t).toJson().replace("2026-05-01T", "yesterday"))).isEmpty();
    assertThat(HolderRecord.parse("null")).isEmpty();
    assertThat(HolderRecord.parse("[]")).isEmpty();
    assertThat(HolderRecord.parse(HolderRecord.held(c, t).toJson().replace("8081", "\"8081x\""))).isEmpty();
    assertThat(HolderRecord.parse(HolderRecord.held(c, t).toJson().replace("\"echo-1\"", "null"))).isEmpty();
  }

  @Test
  void readsWhatANewerVersionWritesAndEscapesWhatItWrites() {
    String newer = HolderRecord.held(c, t).toJson().replace("}", ",\"zone\":\"b\"}");
    assertThat(HolderRecord.parse(newer)).contains(HolderRecord.held(c, t));
    HolderRecord odd = HolderRecord.held(new Candidate("a\"b\\c", "10.1.2.3", 1), t);
    assertThat(HolderRecord.parse(odd.toJson())).contains(odd);
  }
}
