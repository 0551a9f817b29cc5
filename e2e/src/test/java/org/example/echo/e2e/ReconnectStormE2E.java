package org.example.echo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.example.echo.check.CheckCommand;
import org.example.echo.common.UsageError;
import org.example.echo.testkit.ComposeStack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * A small reconnect storm through nginx (`bench.sh --storm` has the large ones): 200 clients held by
 * {@code check --reconnect}, the leader's container killed, and every client must echo again on the new leader.
 */
class ReconnectStormE2E {
  private static final int CLIENTS = 200;
  private static final Duration STEADY = Duration.ofSeconds(60);
  private static final Pattern RECOVERY = Pattern.compile("RECOVERY n=200 dropped=\\d+ .*p100_ms=(\\d+) ");

  private final ComposeStack stack = new ComposeStack();

  @AfterEach
  void restore() {
    stack.restoreAll();
    stack.awaitSteady(STEADY);
  }

  @Test
  void everyClientEchoesAgainOnTheNewLeaderAfterTheOldOneIsKilled() throws Exception {
    String leader = stack.awaitSteady(STEADY);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine check = new CommandLine(new CheckCommand())
        .setParameterExceptionHandler(UsageError::print)
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true));
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> check.execute(
        "--reconnect", "-y", "-c", String.valueOf(CLIENTS), "-s", "0", "--duration", "40s", stack.echoUri().toString()));
    await("all clients echoing").atMost(Duration.ofSeconds(20))
        .until(() -> out.toString().contains("Holding " + CLIENTS + " echoing connections") || exit.isDone());

    ComposeStack.docker("kill", stack.container(leader));

    int status = exit.get(45, TimeUnit.SECONDS);
    String report = out.toString();
    System.out.println(report.lines().filter(line -> line.startsWith("Echoing again") || line.startsWith("RECOVERY"))
        .map(line -> "MEASURED storm of " + CLIENTS + " through nginx: " + line).reduce("", (a, b) -> a + b + "\n"));
    assertThat(status).as(report + err).isZero();
    Matcher recovery = RECOVERY.matcher(report);
    assertThat(recovery.find()).as(report).isTrue();
    // Failover takes about 1.5 s, the back-off adds at most 1 s; 10 s is generous for a shared machine.
    assertThat(Long.parseLong(recovery.group(1))).isLessThan(10_000);
  }
}
