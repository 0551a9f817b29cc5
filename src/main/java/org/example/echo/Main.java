package org.example.echo;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.example.echo.check.CheckCommand;
import org.example.echo.check.ProbeCommand;
import org.example.echo.config.BuildInfo;
import org.example.echo.config.ServerOptions;
import org.example.echo.logging.LoggingSetup;
import org.example.echo.process.TerminationSignals;
import org.example.echo.ws.EchoServer;
import org.example.echo.ws.RoleStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Wires the service together from the command line. */
@Command(
    name = "echo-service",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    sortOptions = false,
    description = "Highly available WebSocket echo service: text comes back as 'echo: <text>', binary unchanged.")
public final class Main implements Callable<Integer> {

  /** Time the whole graceful shutdown may take; SIGTERM must end the process within 5 s. */
  static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(3);

  @Spec CommandSpec spec;

  @Mixin ServerOptions options;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit status; tests call it in-process. */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  static CommandLine commandLine() {
    // Client tools ship in the same jar: `check` (N parallel connections) and `probe` (outage length).
    CommandLine commandLine =
        new CommandLine(new Main()).addSubcommand(new CheckCommand()).addSubcommand(new ProbeCommand());
    commandLine.setParameterExceptionHandler(Main::usageError);
    return commandLine;
  }

  /** One line naming the option, not a page of usage, then exit status 2. */
  private static int usageError(CommandLine.ParameterException e, String[] args) {
    PrintWriter err = e.getCommandLine().getErr();
    err.println(e.getCommandLine().getCommandName() + ": " + e.getMessage() + " (see --help)");
    err.flush();
    return CommandLine.ExitCode.USAGE;
  }

  @Override
  public Integer call() throws Exception {
    options.validate(spec.commandLine());
    if (!options.standalone()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "Consul mode is not available in this build yet: pass --standalone");
    }
    LoggingSetup.apply(options.logLevel(), options.logDir());
    Logger log = LoggerFactory.getLogger(Main.class);
    BuildInfo build = BuildInfo.load();
    log.info("starting {}", build.describeLine());

    Instant started = Instant.now();
    EchoServer server = new EchoServer(options.toSettings(build.version()), () -> RoleStatus.standalone(started));
    CountDownLatch terminate = new CountDownLatch(1);
    TerminationSignals.onTerminate(terminate::countDown);
    try {
      server.start();
    } catch (Exception e) {
      log.error("cannot start: {}", e.toString());
      server.shutdown(Duration.ZERO);
      return 1;
    }
    server.gate().open();
    terminate.await();
    log.info("shutting down: closing {} connection(s) with 1001", server.openConnections());
    server.shutdown(SHUTDOWN_GRACE);
    return 0;
  }

  /** {@code --version}: what {@code ./build.sh} embedded from git. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {BuildInfo.load().describeLine()};
    }
  }
}
