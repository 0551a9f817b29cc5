package org.example.echo;

import java.util.concurrent.Callable;
import org.example.echo.common.UsageError;
import org.example.echo.config.BuildInfo;
import org.example.echo.config.ConsulOptions;
import org.example.echo.config.ServerOptions;
import org.example.echo.logging.LoggingSetup;
import org.example.echo.ws.EchoSettings;
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

  @Spec CommandSpec spec;

  @Mixin ServerOptions options;

  @Mixin ConsulOptions consul;

  public static void main(String[] args) {
    int status;
    try {
      status = run(args);
    } catch (Throwable t) { // an Error must still end the process: Jetty's threads are not daemons
      System.err.println("echo-service: fatal: " + t);
      t.printStackTrace();
      status = 1;
    }
    System.exit(status);
  }

  /** Runs the command line and returns the exit status; tests call it in-process. */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new Main());
    commandLine.setParameterExceptionHandler(UsageError::print);
    return commandLine;
  }

  @Override
  public Integer call() throws Exception {
    BuildInfo build = BuildInfo.load();
    EchoSettings settings = options.toSettings(spec.commandLine(), build.version());
    consul.validate(spec.commandLine());
    LoggingSetup.apply(options.logLevel(), options.logDir(), options.logFormat());
    Logger log = LoggerFactory.getLogger(Main.class);
    log.info("starting {}", build.describeLine());
    // Consul mode serves only while it holds the lock; --standalone is the same service, always the leader.
    EchoService service =
        options.standalone()
            ? EchoService.standalone(settings)
            : EchoService.consul(settings, consul);
    return service.run();
  }

  /** {@code --version}: what {@code ./build.sh} embedded from git. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {BuildInfo.load().describeLine()};
    }
  }
}
