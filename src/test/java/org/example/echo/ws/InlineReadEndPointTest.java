package org.example.echo.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable.InvocationType;
import org.junit.jupiter.api.Test;

class InlineReadEndPointTest {

  private final List<String> calls = new ArrayList<>();
  private final Callback read = Callback.from(() -> calls.add("succeeded"), x -> calls.add("failed " + x.getMessage()));

  @Test
  void theWrappedReadIsNonBlockingWhereJettysIsBlocking() {
    assertThat(read.getInvocationType()).isEqualTo(InvocationType.BLOCKING);
    assertThat(InlineReadEndPoint.nonBlocking(read, () -> {}).getInvocationType()).isEqualTo(InvocationType.NON_BLOCKING);
  }

  @Test
  void successAndFailureReachTheConnectionsOwnCallback() {
    Callback inline = InlineReadEndPoint.nonBlocking(read, () -> calls.add("new turn"));
    inline.succeeded();
    inline.failed(new IOException("reset"));
    assertThat(calls).containsExactly("new turn", "succeeded", "failed reset");
  }
}
