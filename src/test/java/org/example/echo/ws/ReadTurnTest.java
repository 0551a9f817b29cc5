package org.example.echo.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
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
  void nothingReadLeavesTheTurnOpen() {
    turn.begin();
    turn.read(0, 4096);
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
    ByteBuffer buffer = ByteBuffer.allocate(4096).flip(); // flush mode, empty
    assertThat(ReadTurn.room(buffer)).isEqualTo(4096);
    buffer.limit(100).position(40); // 60 unread bytes; a read appends after them
    assertThat(ReadTurn.room(buffer)).isEqualTo(3996);
    buffer.limit(4096).position(4000); // unread bytes up to the end: compacted first
    assertThat(ReadTurn.room(buffer)).isEqualTo(4000);
  }
}
