package org.example.echo.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.eclipse.jetty.util.BufferUtil;
import org.junit.jupiter.api.Test;

class ReadTurnTest {

  private final ReadTurn turn = new ReadTurn(4096);

  @Test
  void aShortReadEndsTheTurn() {
    turn.begin();
    turn.read(38, 4096); // one small frame: the socket had no more
    assertThat(turn.mayRead()).isFalse();
    turn.begin();
    assertThat(turn.mayRead()).isTrue();
  }

  @Test
  void fullReadsGoOnUntilTheBudget() {
    turn.begin();
    turn.read(1024, 1024);
    assertThat(turn.mayRead()).isTrue();
    turn.read(3072, 3072);
    assertThat(turn.mayRead()).as("budget read").isFalse();
  }

  @Test
  void nothingReadOrTheEndOfTheStreamLeavesTheTurnOpen() {
    turn.begin();
    turn.read(0, 4096);
    turn.read(-1, 4096);
    assertThat(turn.mayRead()).isTrue();
  }

  @Test
  void aNewTurnHasTheWholeBudgetAgain() {
    turn.begin();
    turn.read(4096, 4096);
    assertThat(turn.mayRead()).isFalse();
    turn.begin();
    assertThat(turn.mayRead()).isTrue();
  }

  @Test
  void eachTurnHasANewNumber() {
    turn.begin();
    int first = turn.number();
    turn.begin();
    assertThat(turn.number()).isEqualTo(first + 1);
  }

  @Test
  void theRoomIsWhatAReadCanTakeAfterJettyFlipsTheBufferToFill() {
    ByteBuffer empty = ByteBuffer.allocate(4096).flip(); // flush mode, nothing unread
    assertThat(ReadTurn.room(empty)).isEqualTo(4096).isEqualTo(roomAfterJettysFlip(empty));
    ByteBuffer appended = ByteBuffer.allocate(4096).limit(100).position(40); // 60 unread; a read appends
    assertThat(ReadTurn.room(appended)).isEqualTo(3996).isEqualTo(roomAfterJettysFlip(appended));
    ByteBuffer compacted = ByteBuffer.allocate(4096).position(4000); // unread up to the end: compacted first
    assertThat(ReadTurn.room(compacted)).isEqualTo(4000).isEqualTo(roomAfterJettysFlip(compacted));
  }

  private static int roomAfterJettysFlip(ByteBuffer buffer) {
    ByteBuffer copy = ByteBuffer.allocate(buffer.capacity()).limit(buffer.limit()).position(buffer.position());
    BufferUtil.flipToFill(copy);
    return copy.remaining();
  }
}
