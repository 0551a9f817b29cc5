package org.example.echo.config;

import ch.qos.logback.classic.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.example.echo.common.DurationConverter;
import org.example.echo.common.InvalidOption;
import org.example.echo.logging.LogFormat;
import org.example.echo.ws.EchoSettings;
import org.example.echo.ws.OriginPolicy;
import org.example.echo.ws.TrustedProxies;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The server's command-line options. Every option can also be set by the environment variable named in its
 * description; the command line wins.
 */
public final class ServerOptions {

  private static final Set<String> LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");

  /** The option behind each setting the EchoSettings constructor checks, to name it in the usage error. */
  private static final Map<String, String> OPTION_OF_SETTING =
      Map.of("host", "--host", "port", "--port", "idleTimeout", "--idle-timeout", "sendQueueLimit", "--send-queue",
          "headerTimeout", "--header-timeout", "maxConnections", "--max-connections",
          "maxConnectionsPerClient", "--max-connections-per-client");

  @Option(
      names = "--host",
      defaultValue = "${env:ECHO_HOST:-0.0.0.0}",
      description = "Address to listen on (env ECHO_HOST, default ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--port",
      defaultValue = "${env:ECHO_PORT:-8080}",
      description = "Port to listen on, 0 for any free port (env ECHO_PORT, default ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--read-limit",
      defaultValue = "${env:ECHO_READ_LIMIT:-" + EchoSettings.DEFAULT_READ_LIMIT + "}",
      description =
          "Largest accepted message in bytes; a larger one closes the connection with 1009. "
              + "0 or less disables the limit (env ECHO_READ_LIMIT, default ${DEFAULT-VALUE}).")
  long readLimit;

  @Option(
      names = "--idle-timeout",
      defaultValue = "${env:ECHO_IDLE_TIMEOUT:-" + EchoSettings.DEFAULT_IDLE_TIMEOUT_SECONDS + "s}",
      converter = DurationConverter.class,
      description =
          "Close a client silent for this long; pings count as activity, e.g. 500ms, 30s, 2m "
              + "(env ECHO_IDLE_TIMEOUT, default ${DEFAULT-VALUE}).")
  Duration idleTimeout;

  @Option(
      names = "--send-queue",
      defaultValue = "${env:ECHO_SEND_QUEUE:-" + EchoSettings.DEFAULT_SEND_QUEUE_LIMIT + "}",
      description =
          "Replies that may wait to be written to one client; one more and the client is closed with 1008 "
              + "as a slow reader (env ECHO_SEND_QUEUE, default ${DEFAULT-VALUE}).")
  int sendQueue;

  @Option(
      names = "--header-timeout",
      defaultValue = "${env:ECHO_HEADER_TIMEOUT:-" + EchoSettings.DEFAULT_HEADER_TIMEOUT_SECONDS + "s}",
      converter = DurationConverter.class,
      description =
          "An HTTP connection must complete its request header within this long of opening, else it gets 408 "
              + "and is closed (env ECHO_HEADER_TIMEOUT, default ${DEFAULT-VALUE}).")
  Duration headerTimeout;

  @Option(
      names = "--max-connections",
      defaultValue = "${env:ECHO_MAX_CONNECTIONS:-" + EchoSettings.DEFAULT_MAX_CONNECTIONS + "}",
      description =
          "Connections held at once; over it a new one gets 503 and one line. 0: the open-file limit less 128 "
              + "(env ECHO_MAX_CONNECTIONS, default ${DEFAULT-VALUE}).")
  int maxConnections;

  @Option(
      names = "--max-connections-per-client",
      defaultValue =
          "${env:ECHO_MAX_CONNECTIONS_PER_CLIENT:-" + EchoSettings.DEFAULT_MAX_CONNECTIONS_PER_CLIENT + "}",
      description =
          "Connections from one peer address, trusted proxies excepted; over it 503. 0: no limit "
              + "(env ECHO_MAX_CONNECTIONS_PER_CLIENT, default ${DEFAULT-VALUE}).")
  int maxConnectionsPerClient;

  @Option(
      names = "--allowed-origins",
      split = ",",
      defaultValue = "${env:ECHO_ALLOWED_ORIGINS:-}",
      description =
          "Browser origins allowed to connect, comma-separated (e.g. https://example.com), or * for any; "
              + "pages of the same origin (scheme, host, port) are always allowed, clients without Origin too "
              + "(env ECHO_ALLOWED_ORIGINS, default: same origin only).")
  List<String> allowedOrigins = new ArrayList<>();

  @Option(
      names = "--permessage-deflate",
      defaultValue = "${env:ECHO_PERMESSAGE_DEFLATE:-" + EchoSettings.DEFAULT_PERMESSAGE_DEFLATE + "}",
      arity = "0..1",
      description =
          "Negotiate permessage-deflate compression with clients that offer it; costs about 100 KB of native "
              + "memory per such connection (env ECHO_PERMESSAGE_DEFLATE, default ${DEFAULT-VALUE}).")
  boolean permessageDeflate;

  @Option(
      names = "--trusted-proxies",
      split = ",",
      defaultValue = "${env:ECHO_TRUSTED_PROXIES:-" + EchoSettings.DEFAULT_TRUSTED_PROXIES + "}",
      description =
          "Peers whose X-Real-IP / X-Real-Port name the client, comma-separated: CIDRs (10.0.0.0/8, ::1/128), "
              + "addresses, " + TrustedProxies.LOCAL_NETWORKS + " (this host's own networks), or "
              + TrustedProxies.NONE + "; from other peers the headers are ignored "
              + "(env ECHO_TRUSTED_PROXIES, default ${DEFAULT-VALUE}).")
  List<String> trustedProxies = new ArrayList<>();

  @Option(
      names = "--log-level",
      defaultValue = "${env:ECHO_LOG_LEVEL:-INFO}",
      description =
          "TRACE, DEBUG, INFO, WARN or ERROR; message contents are logged at DEBUG "
              + "(env ECHO_LOG_LEVEL, default ${DEFAULT-VALUE}).")
  String logLevel;

  @Option(
      names = "--log-format",
      defaultValue = "${env:ECHO_LOG_FORMAT:-text}",
      description =
          "text (one readable line per event) or json (one JSON object per line, connection fields as "
              + "key-value pairs) (env ECHO_LOG_FORMAT, default ${DEFAULT-VALUE}).")
  String logFormat;

  @Option(
      names = "--log-dir",
      defaultValue = "${env:ECHO_LOG_DIR}",
      description = "Also write rolling log files to this directory (env ECHO_LOG_DIR, default: stdout only).")
  Path logDir;

  @Option(
      names = "--standalone",
      defaultValue = "${env:ECHO_STANDALONE:-false}",
      description = "Serve without Consul and without failover (env ECHO_STANDALONE=true).")
  boolean standalone;

  /**
   * The transport's settings, or a one-line usage error (exit status 2) naming the option: picocli's types check
   * the syntax, the EchoSettings constructor the ranges, this method what only the command line has.
   */
  public EchoSettings toSettings(CommandLine commandLine, String version) {
    if (!LEVELS.contains(logLevel.toUpperCase(Locale.ROOT))) {
      throw InvalidOption.of(commandLine, "--log-level",
          "'" + logLevel + "' is not one of TRACE, DEBUG, INFO, WARN, ERROR");
    }
    if (LogFormat.parse(logFormat).isEmpty()) {
      throw InvalidOption.of(commandLine, "--log-format", "'" + logFormat + "' is not one of text, json");
    }
    for (String origin : allowedOrigins) {
      String problem = OriginPolicy.problemWith(origin);
      if (problem != null) {
        throw InvalidOption.of(commandLine, "--allowed-origins", problem);
      }
    }
    for (String proxy : trustedProxies) {
      String problem = TrustedProxies.problemWith(proxy);
      if (problem != null) {
        throw InvalidOption.of(commandLine, "--trusted-proxies", problem);
      }
    }
    try {
      return new EchoSettings(
          host, port, readLimit, idleTimeout, sendQueue, version, OriginPolicy.of(allowedOrigins),
          permessageDeflate, TrustedProxies.of(trustedProxies), headerTimeout, maxConnections,
          maxConnectionsPerClient);
    } catch (EchoSettings.InvalidSetting e) {
      throw InvalidOption.of(commandLine, OPTION_OF_SETTING.getOrDefault(e.setting(), e.setting()), e.problem());
    }
  }

  public Level logLevel() {
    return Level.toLevel(logLevel.toUpperCase(Locale.ROOT), Level.INFO);
  }

  /** After {@link #toSettings} checked it. */
  public LogFormat logFormat() {
    return LogFormat.parse(logFormat).orElseThrow();
  }

  public Path logDir() {
    return logDir;
  }

  public boolean standalone() {
    return standalone;
  }
}
