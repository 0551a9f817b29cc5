package org.example.echo.check;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Both clients of {@code check} against servers that fail in the ways ours must not: each is named in the verdict. */
class CheckAgainstMisbehavingServerTest {
  // Where the dial must succeed and only echoes time out, -d is 1 s: a first dial on a busy machine takes longer
  // than the 300 ms enough for the failures.
  private static final String LOAD_OF_FIVE = "Load: 1 connections, 32-byte messages for [0-9.]+ s: 5 echoes,";

  @Test
  void anyServerWhoseReplyEndsWithTheTextSentPasses() throws Exception {
    try (ScriptedServer server = new ScriptedServer(Scripts::plainEcho)) {
      for (String client : new String[] {"jetty", "nio"}) {
        CliRun run = CliRun.of(new CheckCommand(), "--client", client, "-c", "2", "-s", "0", "--echo", "--load", "1",
            "--message-size", "200", server.url());

        assertThat(run.exitCode()).as(client + ": " + run.err()).isZero();
        assertThat(run.out()).as(client).endsWith("OK: all 2 connections established and echoed, load run completed\n");
      }
    }
  }

  @Test
  void jettyAServerThatNeverAnswersTheUpgradeFailsEveryDialWithinTheDialTimeout() throws Exception {
    try (ScriptedServer server = new ScriptedServer((peer, index) -> peer.readRequestHead())) {
      CliRun run = CliRun.of(new CheckCommand(), "-c", "2", "-s", "0", "-d", "300", server.url());

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.err()).isEqualTo("FAILED: 0 of 2 connections established, 2 failed; first failure: connection 0:"
          + " no answer within 300 ms\n");
    }
  }

  @Test
  void nioAServerThatNeverAnswersTheUpgradeFailsEveryDialWithinTheDialTimeout() throws Exception {
    try (ScriptedServer server = new ScriptedServer((peer, index) -> peer.readRequestHead())) {
      CliRun run = CliRun.of(new CheckCommand(), "--client", "nio", "-c", "2", "-s", "0", "-d", "300", server.url());

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.err()).isEqualTo("FAILED: 0 of 2 connections established, 2 failed; first failure: connection 0:"
          + " no answer within 300 ms\n");
    }
  }

  @Test
  void jettyEchoesThatNeverComeFailWithinTheDialTimeout() throws Exception {
    try (ScriptedServer server = new ScriptedServer(Scripts.echoThen(0, Scripts::silence))) {
      CliRun run = CliRun.of(new CheckCommand(), "-c", "2", "-s", "0", "-d", "1000", "--echo", server.url());

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.err()).isEqualTo("FAILED: 2 echoes failed; first: connection 0: no answer within 1000 ms\n");
      assertThat(run.out()).contains("Echo round trip stats for 0 echoed connections");
    }
  }

  @Test
  void jettyEchoesThatStopAfterTheHoldFailNamingTheHold() throws Exception {
    try (ScriptedServer server = new ScriptedServer(Scripts.echoThen(1, Scripts::silence))) {
      CliRun run = CliRun.of(new CheckCommand(), "-c", "1", "-s", "0", "-d", "1000", "--echo", "--hold", "1", server.url());

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.err())
          .isEqualTo("FAILED: 1 echoes failed; first: connection 0: after the hold: no answer within 1000 ms\n");
    }
  }

  @Test
  void jettyAServerGoingQuietDuringTheLoadStallsItAndCountsOnlyTheEchoesThatCame() throws Exception {
    try (ScriptedServer server = new ScriptedServer(Scripts.echoThen(5, Scripts::silence))) {
      CliRun run = CliRun.of(new CheckCommand(), "-c", "1", "-s", "0", "-d", "1000", "--load", "1", server.url());

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.out()).containsPattern(LOAD_OF_FIVE);
      assertThat(run.err()).isEqualTo("FAILED: 1 echoes failed; first: connection 0: load: no echo within 1000 ms\n");
    }
  }

  @Test
  void nioAServerGoingQuietDuringTheLoadFailsTheConnectionAfterTheDialTimeoutAndCountsOnlyTheEchoesThatCame()
      throws Exception {
    try (ScriptedServer server = new ScriptedServer(Scripts.echoThen(5, Scripts::silence))) {
      CliRun run = CliRun.of(new CheckCommand(), "--client", "nio", "-c", "1", "-s", "0", "-d", "1000", "--load", "1",
          server.url());

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.out()).containsPattern(LOAD_OF_FIVE);
      // The NIO client times every echo out by itself, so the connection is given up rather than left waiting.
      assertThat(run.err()).isEqualTo("FAILED: 1 of 1 connections were closed before the check ended; first:"
          + " connection 0: no answer within 1000 ms\n");
    }
  }

  @Test
  void jettyAServerClosingDuringTheLoadFailsItWithTheClose() throws Exception {
    try (ScriptedServer server = new ScriptedServer(Scripts.echoThen(5, (peer, index) -> peer.sendClose(1001, "bye")))) {
      CliRun run = CliRun.of(new CheckCommand(), "-c", "1", "-s", "0", "--load", "1", server.url());

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.out()).containsPattern(LOAD_OF_FIVE);
      assertThat(run.err()).isEqualTo("FAILED: 1 of 1 connections were closed before the check ended; first:"
          + " connection 0: closed by the peer: 1001 bye\n");
    }
  }

  @Test
  void nioAServerClosingDuringTheLoadFailsItWithTheClose() throws Exception {
    try (ScriptedServer server = new ScriptedServer(Scripts.echoThen(5, (peer, index) -> peer.sendClose(1001, "bye")))) {
      CliRun run = CliRun.of(new CheckCommand(), "--client", "nio", "-c", "1", "-s", "0", "--load", "1", server.url());

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.out()).containsPattern(LOAD_OF_FIVE);
      assertThat(run.err()).isEqualTo("FAILED: 1 of 1 connections were closed before the check ended; first:"
          + " connection 0: closed by the peer: 1001 bye\n");
    }
  }

  @Test
  void nioAWrongReplyClosesTheConnectionAndVerboseSaysWhy() throws Exception {
    try (ScriptedServer server = new ScriptedServer((peer, index) -> {
      peer.acceptUpgrade();
      peer.readFrame();
      peer.sendText("not what was sent");
      Scripts.silence(peer, index);
    })) {
      CliRun run = CliRun.of(new CheckCommand(), "--client", "nio", "-c", "1", "-s", "0", "-v", "--echo", server.url());

      assertThat(run.exitCode()).isEqualTo(1);
      String why = "connection 0: reply does not end with the text sent: not what was sent";
      assertThat(run.err().lines())
          .hasSize(3)
          .first()
          .asString()
          .matches("connection 0 established in [0-9]+ µs");
      assertThat(run.err().lines().skip(1))
          .containsExactly(why, "FAILED: 1 of 1 connections were closed before the check ended; first: " + why);
    }
  }
}
