package org.example.echo.check;

import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.example.echo.common.DurationConverter;
import org.example.echo.common.InvalidOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code probe}: how long was the endpoint unavailable while we did something to it? */
@Command(
    name = "probe",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Every --interval opens a fresh WebSocket connection to <ws-url>, sends one text and waits for its echo"
          + " (within --timeout), then closes. Attempts never overlap; a slow attempt skips the ticks it missed.",
      "An outage runs from the start of the first failed attempt to the start of the next successful one; each is"
          + " printed when it ends, the longest at the end.",
      "Exit 0 if the endpoint answered at least once and the longest outage is at most --max-outage, 1 otherwise,"
          + " 2 for bad options. Ctrl-C stops early"
          + " and prints the summary."
    })
public final class ProbeCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "<ws-url>", description = "ws:// or wss:// endpoint, e.g. ws://127.0.0.1:8080/")
  URI url;

  @Option(names = "--interval", defaultValue = "50ms", converter = DurationConverter.class, description = "Time between attempts (default ${DEFAULT-VALUE})")
  Duration interval;

  @Option(names = "--duration", defaultValue = "60s", converter = DurationConverter.class, description = "How long to probe (default ${DEFAULT-VALUE})")
  Duration duration;

  @Option(names = "--max-outage", defaultValue = "3s", converter = DurationConverter.class, description = "Longest acceptable outage (default ${DEFAULT-VALUE})")
  Duration maxOutage;

  @Option(names = "--timeout", defaultValue = "1s", converter = DurationConverter.class, description = "Limit for one attempt: connect + upgrade + echo (default ${DEFAULT-VALUE})")
  Duration timeout;

  @Option(names = {"-v", "--verbose"}, description = "Print every failed attempt to stderr")
  boolean verbose;

  @Override
  public Integer call() {
    validate();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    // Durations are printed in the syntax the options take, so a figure can be pasted back as an option.
    out.println("Probing " + url + " every " + DurationConverter.format(interval) + " for "
        + DurationConverter.format(duration) + " (attempt timeout " + DurationConverter.format(timeout)
        + ", max outage " + DurationConverter.format(maxOutage) + ")");
    StopSignal stop = new StopSignal();
    StopOnShutdown onShutdown = StopOnShutdown.install("ws-probe-shutdown", stop::stop);
    try {
      ProbeResult result;
      try (Probe probe = startProbe(out, err)) {
        stop.await(duration);
        result = probe.stop();
      }
      return report(result, out, err);
    } finally {
      onShutdown.done();
    }
  }

  private Probe startProbe(PrintWriter out, PrintWriter err) {
    Probe.Listener listener =
        new Probe.Listener() {
          @Override
          public void outageEnded(Outage outage) {
            out.println(outage.format());
          }

          @Override
          public void attemptFailed(int attempt, String why) {
            if (verbose) {
              err.println(Instant.now() + " attempt " + attempt + " failed: " + why);
            }
          }
        };
    try {
      return Probe.start(new ProbeSettings(url, interval, timeout), listener);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the WebSocket client: " + e, e);
    }
  }

  int report(ProbeResult result, PrintWriter out, PrintWriter err) {
    result.outages().stream().filter(Outage::ongoing).forEach(o -> out.println(o.format()));
    out.println("--- " + url + " probe statistics ---");
    out.println("Attempts: " + result.attempts() + ", Succeeded: " + (result.attempts() - result.failedAttempts())
        + ", Failed: " + result.failedAttempts() + ", Outages: " + result.outages().size());
    Optional<Outage> longest = result.longest();
    out.println("Longest outage: " + longest.map(o -> DurationConverter.format(o.length()) + " from "
        + o.start().truncatedTo(ChronoUnit.MILLIS) + " to " + o.end().truncatedTo(ChronoUnit.MILLIS) + " (" + o.failedAttempts() + " failed attempts)").orElse("none"));
    if (result.attempts() == 0) {
      err.println("FAILED: no attempt was made");
      return 1;
    }
    if (result.failedAttempts() == result.attempts()) {
      // A wrong URL must not pass just because the run was shorter than --max-outage.
      err.println("FAILED: the endpoint never answered in " + result.attempts() + " attempts");
      return 1;
    }
    // Judged in the whole milliseconds it is printed in (and --max-outage is given in), so that the verdict never
    // reads "3000ms exceeds 3s"; the probe's own resolution is an interval anyway.
    Duration worst = longest.map(Outage::length).orElse(Duration.ZERO).truncatedTo(ChronoUnit.MILLIS);
    if (worst.compareTo(maxOutage) > 0) {
      err.println("FAILED: longest outage " + DurationConverter.format(worst) + " exceeds --max-outage "
          + DurationConverter.format(maxOutage));
      return 1;
    }
    out.println("OK: longest outage " + DurationConverter.format(worst) + " within --max-outage "
        + DurationConverter.format(maxOutage));
    out.flush();
    return 0;
  }

  private void validate() {
    CheckCommand.requireUsableUrl(spec.commandLine(), url);
    positive(interval, "--interval");
    positive(duration, "--duration");
    positive(timeout, "--timeout");
    // --max-outage may be 0; DurationConverter takes no negative durations.
  }

  private void positive(Duration value, String option) {
    if (value.isNegative() || value.isZero()) {
      throw InvalidOption.of(spec.commandLine(), option, "must be positive");
    }
  }
}
