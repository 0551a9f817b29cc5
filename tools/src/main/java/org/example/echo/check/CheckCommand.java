package org.example.echo.check;

import java.io.PrintWriter;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import org.example.echo.common.DurationConverter;
import org.example.echo.common.InvalidOption;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code check}: can one endpoint hold N parallel WebSocket connections? Modelled on tcpgoon. */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Opens N parallel WebSocket connections to <ws-url>, prints their states every interval and statistics at"
          + " the end.",
      "Exit 0 only if all were established (and echoed with --echo) and none was closed before the end;"
          + " 1 with a one-line reason otherwise; 2 for bad options. Ctrl-C closes everything and prints the"
          + " summary.",
      "Confirmation is asked for more than 1000 connections only when stdin is a terminal; without one (scripts,"
          + " CI) the check proceeds as if --assume-yes was given."
    })
public final class CheckCommand implements Callable<Integer> {
  private static final int CONFIRM_ABOVE = 1000;
  /** 127.0.0.1 .. 127.0.0.254. */
  private static final int MAX_SOURCE_ADDRESSES = 254;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "<ws-url>", description = "ws:// or wss:// endpoint, e.g. ws://127.0.0.1:8080/")
  URI url;

  @Option(names = {"-c", "--connections"}, defaultValue = "100", description = "Connections to open (default ${DEFAULT-VALUE})")
  int connections;

  @Option(names = {"-s", "--sleep"}, defaultValue = "10", paramLabel = "<ms>", description = "Pause between dials, in ms (default ${DEFAULT-VALUE})")
  int sleepMillis;

  @Option(names = {"-d", "--dial-timeout"}, defaultValue = "5000", paramLabel = "<ms>", description = "Limit for one dial (TCP connect + upgrade) and for its echo, in ms (default ${DEFAULT-VALUE})")
  int dialTimeoutMillis;

  @Option(names = {"-i", "--interval"}, defaultValue = "1", paramLabel = "<s>", description = "Seconds between status lines (default ${DEFAULT-VALUE})")
  int intervalSeconds;

  @Option(names = {"-y", "--assume-yes"}, description = "Do not ask for confirmation")
  boolean assumeYes;

  @Option(names = {"-v", "--verbose"}, description = "Print per-connection details to stderr")
  boolean verbose;

  @Option(names = "--hold", defaultValue = "0", paramLabel = "<s>", description = "Seconds to keep all connections open once established (default ${DEFAULT-VALUE})")
  int holdSeconds;

  @Option(names = "--echo", description = "Verify one echo on every connection")
  boolean echo;

  @Option(names = "--load", defaultValue = "0", paramLabel = "<s>", description = "After the hold, run closed-loop echo on every connection for this many seconds and report msgs/s and latency percentiles (default ${DEFAULT-VALUE}: none)")
  int loadSeconds;

  @Option(names = "--message-size", defaultValue = "32", paramLabel = "<bytes>", description = "Text size of each --load message (default ${DEFAULT-VALUE})")
  int messageSize;

  @Option(names = "--source-addresses", paramLabel = "<N>", description = "Spread dials over the source addresses 127.0.0.1..127.0.0.N (loopback targets only), for more than ~28,000 connections")
  Integer sourceAddresses;

  /** Which WebSocket client drives the connections. */
  enum Client {
    /** Jetty's WebSocketClient: every feature; what users run. */
    jetty,
    /** The lean java.nio client for benchmarks: connect rate and --load only, ws:// only, no --hold. */
    nio
  }

  @Option(names = "--client", defaultValue = "jetty", paramLabel = "<jetty|nio>", description = "jetty (default): every feature; nio: a lean java.nio client for benchmarks (connect rate and --load, ws:// only, no --hold), so the client's CPU does not hide the server's")
  Client client;

  @Option(names = "--warmup", defaultValue = "0", paramLabel = "<s>", description = "With --client nio: first run the same work, unmeasured, for this many seconds, so the client's JIT compilation stays out of the figures (default ${DEFAULT-VALUE})")
  int warmupSeconds;

  @Option(names = "--reconnect", description = "Hold the connections (NIO client, ws:// only) and redial whatever drops with jittered exponential back-off, echoing on each; report how long after the first drop 50, 99 and 100 %% echo again and the reconnect attempts. Ends when all echo again, or at --duration")
  boolean reconnect;

  @Option(names = "--duration", defaultValue = "60s", converter = DurationConverter.class, paramLabel = "<duration>", description = "With --reconnect: the longest the check runs, dialling included (default ${DEFAULT-VALUE})")
  Duration duration;

  @Option(names = "--backoff", defaultValue = "100ms", converter = DurationConverter.class, paramLabel = "<duration>", description = "With --reconnect: ceiling of the first wait before a redial, doubled after each failed one (default ${DEFAULT-VALUE}); each wait is random between half the ceiling and the ceiling")
  Duration backoffBase;

  @Option(names = "--backoff-max", defaultValue = "1s", converter = DurationConverter.class, paramLabel = "<duration>", description = "With --reconnect: the largest ceiling (default ${DEFAULT-VALUE}): once the server is back, no client waits longer")
  Duration backoffMax;

  @Override
  public Integer call() throws Exception {
    CheckOptions options = validate();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!confirmed(out)) {
      err.println("FAILED: not confirmed; nothing was dialled");
      return 1;
    }
    Check check;
    if (reconnect) {
      check = new ReconnectCheck(options, new ReconnectBackoff(backoffBase, backoffMax), duration, out, err);
    } else if (client == Client.nio) {
      check = new NioCheck(options, Duration.ofSeconds(warmupSeconds), out, err);
    } else {
      check = new JettyCheck(options, out, err);
    }
    // Ctrl-C / SIGTERM: end the waits, let run() print the summary and close, then let the JVM exit.
    StopOnShutdown onShutdown = StopOnShutdown.install("ws-check-shutdown", check::stop);
    try {
      return check.run().exitCode();
    } finally {
      onShutdown.done();
    }
  }

  private CheckOptions validate() {
    requireUsableUrl(spec.commandLine(), url);
    atLeast(connections, 1, "--connections");
    atLeast(sleepMillis, 0, "--sleep");
    atLeast(dialTimeoutMillis, 1, "--dial-timeout");
    atLeast(intervalSeconds, 1, "--interval");
    atLeast(holdSeconds, 0, "--hold");
    atLeast(loadSeconds, 0, "--load");
    atLeast(messageSize, 1, "--message-size");
    atLeast(warmupSeconds, 0, "--warmup");
    if (reconnect) {
      reconnectLimits();
    } else {
      for (String option : List.of("--duration", "--backoff", "--backoff-max")) {
        if (given(option)) {
          throw invalid(option, "only with --reconnect");
        }
      }
    }
    if (client == Client.nio) {
      nioLimits();
    } else if (warmupSeconds > 0) {
      throw invalid("--warmup", "only with --client nio");
    }
    OptionalLong headroom = FileLimit.headroom();
    if (headroom.isPresent() && connections + FileLimit.RESERVE > headroom.getAsLong()) {
      throw invalid("--connections", connections + " connections need about " + (connections + FileLimit.RESERVE)
          + " more open files but this process may open only " + headroom.getAsLong() + " more (limit "
          + FileLimit.max().orElse(-1) + ", see ulimit -n); use fewer or raise the limit");
    }
    return new CheckOptions(
        url,
        connections,
        Duration.ofMillis(sleepMillis),
        Duration.ofMillis(dialTimeoutMillis),
        Duration.ofSeconds(intervalSeconds),
        Duration.ofSeconds(holdSeconds),
        echo || reconnect,
        Duration.ofSeconds(loadSeconds),
        messageSize,
        sourceAddresses(url),
        verbose);
  }

  private void nioLimits() {
    if (!"ws".equalsIgnoreCase(url.getScheme())) {
      throw invalid("--client", "nio speaks ws:// only; use --client jetty for " + url.getScheme() + "://");
    }
    if (holdSeconds > 0) {
      throw invalid("--client", "nio does not hold connections; use --client jetty with --hold");
    }
    // The reply (EchoReply.TEXT_PREFIX and the text, or another server's prefix) and its frame header must fit
    // the NIO client's input limit; half of it leaves room for any sensible prefix.
    int maxMessage = NioConnection.MAX_INPUT / 2;
    if (messageSize > maxMessage) {
      throw invalid("--message-size", "at most " + maxMessage + " with --client nio, was " + messageSize);
    }
  }

  /** --reconnect runs on the NIO client and does its own holding: the options of the other modes do not apply. */
  private void reconnectLimits() {
    if (!"ws".equalsIgnoreCase(url.getScheme())) {
      throw invalid("--reconnect", "speaks ws:// only (it runs on the NIO client), not " + url.getScheme() + "://");
    }
    if (given("--client") && client != Client.nio) {
      throw invalid("--client", "--reconnect runs on the NIO client; leave out --client " + client);
    }
    client = Client.nio;
    for (String option : List.of("--hold", "--load", "--warmup")) {
      if (given(option)) {
        throw invalid(option, "not with --reconnect, which holds the connections until they recover or --duration ends");
      }
    }
    if (duration.isZero()) {
      throw invalid("--duration", "must be positive");
    }
    if (backoffBase.compareTo(Duration.ofMillis(1)) < 0) {
      throw invalid("--backoff", "must be at least 1ms, was " + DurationConverter.format(backoffBase));
    }
    if (backoffMax.compareTo(backoffBase) < 0) {
      throw invalid("--backoff-max", DurationConverter.format(backoffMax) + " is less than --backoff "
          + DurationConverter.format(backoffBase));
    }
  }

  private boolean given(String option) {
    return spec.commandLine().getParseResult().hasMatchedOption(option);
  }

  /** A usage error (exit 2, one line) if {@code url} cannot be dialled. */
  static void requireUsableUrl(CommandLine commandLine, URI url) {
    urlProblem(url).ifPresent(problem -> {
      throw InvalidOption.ofParameter(commandLine, "<ws-url>", problem);
    });
  }

  /** Why {@code url} cannot be dialled, if it cannot. */
  private static Optional<String> urlProblem(URI url) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("ws") && !scheme.equals("wss")) {
      return Optional.of("'" + url + "' is not a ws:// or wss:// URL");
    }
    if (url.getHost() == null) {
      return Optional.of("'" + url + "' has no host");
    }
    return Optional.empty();
  }

  private List<InetAddress> sourceAddresses(URI uri) {
    if (sourceAddresses == null) {
      return List.of();
    }
    if (sourceAddresses < 1 || sourceAddresses > MAX_SOURCE_ADDRESSES) {
      throw invalid("--source-addresses", "must be between 1 and " + MAX_SOURCE_ADDRESSES + ", was " + sourceAddresses);
    }
    InetAddress target;
    try {
      target = InetAddress.getByName(uri.getHost());
    } catch (UnknownHostException e) {
      throw invalid("--source-addresses", "cannot resolve " + uri.getHost() + " to tell whether it is loopback");
    }
    if (!(target instanceof Inet4Address) || !target.isLoopbackAddress()) {
      throw invalid("--source-addresses", "needs an IPv4 loopback target (127.x.x.x), not " + uri.getHost());
    }
    List<InetAddress> addresses = new ArrayList<>();
    for (int i = 1; i <= sourceAddresses; i++) {
      try {
        addresses.add(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) i}));
      } catch (UnknownHostException e) {
        throw new IllegalStateException("a 4-byte address is always valid", e);
      }
    }
    return addresses;
  }

  private boolean confirmed(PrintWriter out) throws java.io.IOException {
    if (assumeYes || connections <= CONFIRM_ABOVE || !stdinIsTerminal()) {
      return true;
    }
    out.print("About to open " + connections + " connections to " + url + ". Continue? [y/N] ");
    out.flush();
    String answer =
        new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8))
            .readLine();
    return answer != null && (answer.trim().equalsIgnoreCase("y") || answer.trim().equalsIgnoreCase("yes"));
  }

  /** Linux: is file descriptor 0 a terminal device? Anywhere else we cannot tell and treat it as not. */
  private static boolean stdinIsTerminal() {
    try {
      String target = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/0")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (java.io.IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  private void atLeast(int value, int min, String option) {
    if (value < min) {
      throw invalid(option, "must be at least " + min + ", was " + value);
    }
  }

  private ParameterException invalid(String option, String why) {
    return InvalidOption.of(spec.commandLine(), option, why);
  }
}
