package org.example.echo.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The load line: which percentiles, in which unit, how precise, and that no round trip is lost. */
class LoadReportTest {
  private static final long SECOND = 1_000_000_000L;
  private static final Pattern LATENCIES =
      Pattern.compile("latency p50/p99/p99\\.9/max = ([0-9.]+)ms/([0-9.]+)ms/([0-9.]+)ms/([0-9.]+)ms$");

  @Test
  void percentilesFollowTheRecordedDistribution() {
    Histogram histogram = LoadReport.singleWriterHistogram();
    for (int micros = 1; micros <= 1000; micros++) {
      histogram.recordValue(micros * 1_000L);
    }

    assertThat(LoadReport.format(4, 32, SECOND, histogram))
        .isEqualTo("Load: 4 connections, 32-byte messages for 1.0 s: 1000 echoes, 1000 msgs/s,"
            + " latency p50/p99/p99.9/max = 0.500ms/0.990ms/0.999ms/1.000ms");
  }

  @Test
  void aPercentileIsTheNearestRankNotAnAverage() {
    Histogram histogram = LoadReport.singleWriterHistogram();
    for (int i = 0; i < 99; i++) {
      histogram.recordValue(1_000_000L);
    }
    histogram.recordValue(50_000_000L);

    // 99 of 100 echoes took 1 ms, so p99 is 1 ms; the one slow echo is p99.9 and the max.
    assertThat(latencies(LoadReport.format(1, 32, SECOND, histogram)))
        .satisfies(ms -> assertThat(ms[0]).isCloseTo(1.0, within(0.001)))
        .satisfies(ms -> assertThat(ms[1]).isCloseTo(1.0, within(0.001)))
        .satisfies(ms -> assertThat(ms[2]).isCloseTo(50.0, within(0.05)))
        .satisfies(ms -> assertThat(ms[3]).isCloseTo(50.0, within(0.05)));
  }

  @Test
  void slowRoundTripsAreReportedToAThousandthOfTheirLength() {
    Histogram histogram = LoadReport.singleWriterHistogram();
    histogram.recordValue(45_678_000L);
    histogram.recordValue(5 * SECOND);

    double[] ms = latencies(LoadReport.format(1, 32, SECOND, histogram));

    assertThat(ms[0]).isCloseTo(45.678, within(0.045678));
    assertThat(ms[3]).isCloseTo(5_000.0, within(5.0));
  }

  @Test
  void roundTripsOfAMinuteAreReportedNotCappedOrLost() {
    Histogram histogram = LoadReport.singleWriterHistogram();
    histogram.recordValue(60 * SECOND);

    String line = LoadReport.format(1, 32, SECOND, histogram);

    assertThat(line).contains(": 1 echoes, 1 msgs/s,");
    assertThat(latencies(line)[3]).isCloseTo(60_000.0, within(60.0));
  }

  @Test
  void noEchoesReportZeros() {
    assertThat(LoadReport.format(2, 16, 2 * SECOND, LoadReport.concurrentHistogram()))
        .isEqualTo("Load: 2 connections, 16-byte messages for 2.0 s: 0 echoes, 0 msgs/s,"
            + " latency p50/p99/p99.9/max = 0.000ms/0.000ms/0.000ms/0.000ms");
  }

  @Test
  void theJettyClientsHistogramLosesNoRoundTripRecordedFromManyThreadsAtOnce() throws Exception {
    Histogram histogram = LoadReport.concurrentHistogram();
    int threads = 8;
    int perThread = 20_000;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        long nanos = (t + 1) * 1_000_000L;
        done.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < perThread; i++) {
            histogram.recordValue(nanos);
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    String line = LoadReport.format(threads, 32, SECOND, histogram);
    assertThat(line).contains(": " + threads * perThread + " echoes, " + threads * perThread + " msgs/s,");
    // Equal shares of 1..8 ms: the median is 4 ms, the top 1 % all took 8 ms.
    double[] ms = latencies(line);
    assertThat(ms[0]).isCloseTo(4.0, within(0.004));
    assertThat(ms[1]).isCloseTo(8.0, within(0.008));
    assertThat(ms[3]).isCloseTo(8.0, within(0.008));
  }

  /** p50, p99, p99.9 and max of a load line, in ms. */
  private static double[] latencies(String line) {
    Matcher m = LATENCIES.matcher(line);
    assertThat(m.find()).as(line).isTrue();
    return new double[] {
      Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)),
      Double.parseDouble(m.group(4))
    };
  }
}
