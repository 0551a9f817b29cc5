package org.example.echo.check;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad options end with exit 2 and one line that names the option, before anything is dialled. */
class OptionValidationTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "-c 0 ws://127.0.0.1:1/                         | '--connections'",
        "-c many ws://127.0.0.1:1/                      | '--connections'",
        "-c 2000000000 -y ws://127.0.0.1:1/             | '--connections': 2000000000 connections need about",
        "-s -1 ws://127.0.0.1:1/                        | '--sleep'",
        "-d 0 ws://127.0.0.1:1/                         | '--dial-timeout'",
        "-i 0 ws://127.0.0.1:1/                         | '--interval'",
        "--hold -2 ws://127.0.0.1:1/                    | '--hold'",
        "--source-addresses 0 ws://127.0.0.1:1/         | '--source-addresses'",
        "--source-addresses 255 ws://127.0.0.1:1/       | '--source-addresses'",
        "--source-addresses 2 ws://10.0.0.1:1/          | '--source-addresses': needs an IPv4 loopback target",
        "http://127.0.0.1:1/                            | '<ws-url>': 'http://127.0.0.1:1/' is not a ws:// or wss:// URL",
        "--no-such-option ws://127.0.0.1:1/             | '--no-such-option'",
        "ws:///path                                     | '<ws-url>': 'ws:///path' has no host",
        "--warmup 1 ws://127.0.0.1:1/                   | '--warmup': only with --client nio",
        "--client nio --message-size 9000 ws://127.0.0.1:1/ | '--message-size': at most 8192 with --client nio, was 9000",
        "--source-addresses 2 ws://no-such-host.invalid:1/ | '--source-addresses': cannot resolve no-such-host.invalid",
        "--reconnect --client jetty ws://127.0.0.1:1/   | '--client': --reconnect runs on the NIO client; leave out --client jetty",
        "--reconnect wss://127.0.0.1:1/                 | '--reconnect': speaks ws:// only (it runs on the NIO client), not wss://",
        "--reconnect --hold 1 ws://127.0.0.1:1/         | '--hold': not with --reconnect",
        "--reconnect --load 1 ws://127.0.0.1:1/         | '--load': not with --reconnect",
        "--reconnect --warmup 1 ws://127.0.0.1:1/       | '--warmup': not with --reconnect",
        "--reconnect --duration 0s ws://127.0.0.1:1/    | '--duration': must be positive",
        "--reconnect --duration soon ws://127.0.0.1:1/  | '--duration': 'soon' is not a duration",
        "--reconnect --backoff 0ms ws://127.0.0.1:1/    | '--backoff': must be at least 1ms, was 0s",
        "--reconnect --backoff 2s --backoff-max 1s ws://127.0.0.1:1/ | '--backoff-max': 1s is less than --backoff 2s",
        "--duration 10s ws://127.0.0.1:1/               | '--duration': only with --reconnect",
        "--backoff-max 10s ws://127.0.0.1:1/            | '--backoff-max': only with --reconnect",
        "--reconnect -c 2000000000 -y ws://127.0.0.1:1/ | '--connections': 2000000000 connections need about",
      })
  void checkRefusesBadOptions(String args, String expected) {
    CliRun run = CliRun.of(new CheckCommand(), args.trim().split(" +"));

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains(expected).hasLineCount(1);
    assertThat(run.out()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--interval 50x ws://127.0.0.1:1/              | '--interval': '50x' is not a duration",
        "--interval 0ms ws://127.0.0.1:1/              | '--interval': must be positive",
        "--duration 0s ws://127.0.0.1:1/               | '--duration'",
        "--timeout soon ws://127.0.0.1:1/              | '--timeout'",
        "--max-outage 3d ws://127.0.0.1:1/             | '--max-outage'",
        "ftp://127.0.0.1:1/                            | '<ws-url>'",
      })
  void probeRefusesBadOptions(String args, String expected) {
    CliRun run = CliRun.of(new ProbeCommand(), args.trim().split(" +"));

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains(expected).hasLineCount(1);
    assertThat(run.out()).isEmpty();
  }
}
