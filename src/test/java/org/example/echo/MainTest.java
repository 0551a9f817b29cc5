package org.example.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line as a user meets it: bad values exit 2 with one line naming the option. */
class MainTest {

  private record Outcome(int status, String out, String err) {}

  private static Outcome run(String... args) {
    CommandLine commandLine = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    int status = commandLine.execute(args);
    return new Outcome(status, out.toString(), err.toString());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--port|abc|--port",
        "--port|70000|--port",
        "--port|-1|--port",
        "--read-limit|lots|--read-limit",
        "--idle-timeout|soon|--idle-timeout",
        "--idle-timeout|0|--idle-timeout",
        "--send-queue|0|--send-queue",
        "--log-level|LOUD|--log-level",
        "--log-format|xml|--log-format",
        "--allowed-origins|example.com|--allowed-origins",
        "--trusted-proxies|10.0.0.0/33|--trusted-proxies",
        "--trusted-proxies|nginx|--trusted-proxies",
        "--header-timeout|0|--header-timeout",
        "--header-timeout|later|--header-timeout",
        "--max-connections|-1|--max-connections",
        "--max-connections-per-client|-5|--max-connections-per-client",
        "--host|' '|--host",
      })
  void badValueExitsWithStatus2AndOneLineNamingTheOption(String option, String value, String named) {
    Outcome outcome = run("--standalone", option, value);
    assertThat(outcome.status()).isEqualTo(2);
    assertThat(outcome.err().strip().lines()).hasSize(1);
    assertThat(outcome.err()).contains("'" + named + "'").contains(value);
  }

  @ParameterizedTest
  @CsvSource({"abc", "70000"}) // picocli's own conversion error, and a range the service checks
  void ourErrorsReadLikePicoclis(String port) {
    Outcome outcome = run("--standalone", "--port", port);
    assertThat(outcome.err())
        .startsWith("echo-service: Invalid value for option '--port': ")
        .endsWith(" (see --help)\n");
  }

  @Test
  void unknownOptionIsNamed() {
    Outcome outcome = run("--standalone", "--prot", "8080");
    assertThat(outcome.status()).isEqualTo(2);
    assertThat(outcome.err()).contains("--prot");
  }

  @Test
  void helpListsEveryOptionWithItsEnvironmentVariable() {
    Outcome outcome = run("--help");
    assertThat(outcome.status()).isZero();
    assertThat(outcome.out())
        .contains("--host", "ECHO_HOST", "--port", "ECHO_PORT", "--read-limit", "ECHO_READ_LIMIT")
        .contains("--idle-timeout", "ECHO_IDLE_TIMEOUT", "--log-level", "--log-dir", "ECHO_LOG_DIR")
        .contains("--log-format", "ECHO_LOG_FORMAT")
        .contains("--standalone", "--version")
        .contains("--header-timeout", "ECHO_HEADER_TIMEOUT", "--max-connections", "ECHO_MAX_CONNECTIONS")
        .contains("--max-connections-per-client", "ECHO_MAX_CONNECTIONS_PER_CLIENT")
        .contains("--trusted-proxies", "ECHO_TRUSTED_PROXIES", "--permessage-deflate", "ECHO_PERMESSAGE_DEFLATE");
  }

  @Test
  void versionPrintsWhatTheBuildEmbedded() {
    Outcome outcome = run("--version");
    assertThat(outcome.status()).isZero();
    assertThat(outcome.out()).startsWith("echo-service ").contains("branch", "commit", "built");
  }
}
