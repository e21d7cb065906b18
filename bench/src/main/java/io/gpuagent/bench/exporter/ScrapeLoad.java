package io.gpuagent.bench.exporter;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * HTTP load on one URL of a local agent: {@code concurrency} scrapers, each on its own keep-alive
 * connection, GET in a loop for {@code seconds}; prints requests, errors, bytes and latency
 * percentiles. Run it against {@code /metrics} and against a static route (e.g. {@code /healthz})
 * to see what the metrics cost over the HTTP server's own.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.gpuagent.bench.exporter.ScrapeLoad \
 *     http://127.0.0.1:9400/metrics 50 20
 * </pre>
 *
 * Only loopback addresses are accepted: it is a load generator.
 */
public final class ScrapeLoad {
  private static final int MAX_CONCURRENCY = 500;
  private static final int MAX_SECONDS = 300;

  private ScrapeLoad() {}

  /**
   * @throws IllegalArgumentException for a wrong argument (the message says which)
   */
  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      throw new IllegalArgumentException(
          "usage: ScrapeLoad <url> <concurrency 1.."
              + MAX_CONCURRENCY
              + "> <seconds 1.."
              + MAX_SECONDS
              + ">");
    }
    URI url = URI.create(args[0]);
    int concurrency = Integer.parseInt(args[1]);
    int seconds = Integer.parseInt(args[2]);
    if (concurrency < 1 || concurrency > MAX_CONCURRENCY || seconds < 1 || seconds > MAX_SECONDS) {
      throw new IllegalArgumentException(
          "concurrency must be 1.." + MAX_CONCURRENCY + " and seconds 1.." + MAX_SECONDS);
    }
    if (url.getHost() == null || !InetAddress.getByName(url.getHost()).isLoopbackAddress()) {
      throw new IllegalArgumentException(
          "ScrapeLoad only targets loopback addresses, not " + url.getHost());
    }
    Report report = run(url, concurrency, Duration.ofSeconds(seconds));
    System.out.println(report.table(url, concurrency));
  }

  /** What one run measured. Latencies in nanoseconds, sorted. */
  record Report(long[] latencies, long errors, long bytes, Duration took) {
    /** No requests yet: what {@link #plus} starts from. */
    static final Report NONE = new Report(new long[0], 0, 0, Duration.ZERO);

    String table(URI url, int concurrency) {
      double secs = took.toNanos() / 1e9;
      return String.format(
          Locale.ROOT,
          "| url | scrapers | requests | errors | req/s | MB/s | p50 (ms) | p99 (ms) | max (ms) |%n"
              + "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |%n"
              + "| %s | %d | %d | %d | %.0f | %.1f | %.3f | %.3f | %.3f |",
          url,
          concurrency,
          latencies.length,
          errors,
          latencies.length / secs,
          bytes / secs / 1e6,
          percentile(0.50),
          percentile(0.99),
          latencies.length == 0 ? 0 : latencies[latencies.length - 1] / 1e6);
    }

    /** This run and {@code other} as one, e.g. rounds of the same route taken in turns. */
    Report plus(Report other) {
      long[] both = Arrays.copyOf(latencies, latencies.length + other.latencies.length);
      System.arraycopy(other.latencies, 0, both, latencies.length, other.latencies.length);
      Arrays.sort(both);
      return new Report(both, errors + other.errors, bytes + other.bytes, took.plus(other.took));
    }

    double percentile(double p) {
      if (latencies.length == 0) {
        return 0;
      }
      int index = (int) Math.ceil(p * latencies.length) - 1;
      return latencies[Math.max(0, Math.min(latencies.length - 1, index))] / 1e6;
    }
  }

  static Report run(URI url, int concurrency, Duration duration)
      throws InterruptedException, ExecutionException {
    AtomicLong errors = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    AtomicInteger threadNumber = new AtomicInteger();
    ExecutorService scrapers =
        Executors.newFixedThreadPool(
            concurrency, task -> new Thread(task, "scrape-load-" + threadNumber.incrementAndGet()));
    try {
      long started = System.nanoTime();
      long deadline = started + duration.toNanos();
      List<Future<long[]>> results = new ArrayList<>();
      for (int i = 0; i < concurrency; i++) {
        results.add(scrapers.submit(() -> scrapeUntil(url, deadline, errors, bytes)));
      }
      List<long[]> latencies = new ArrayList<>();
      for (Future<long[]> result : results) {
        latencies.add(result.get());
      }
      long took = System.nanoTime() - started;
      long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
      return new Report(all, errors.get(), bytes.get(), Duration.ofNanos(took));
    } finally {
      scrapers.shutdownNow();
    }
  }

  /** One scraper: its own client (one keep-alive connection), GET until the deadline. */
  private static long[] scrapeUntil(URI url, long deadline, AtomicLong errors, AtomicLong bytes) {
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    HttpRequest request =
        HttpRequest.newBuilder(url)
            .header("Accept", "text/plain;version=0.0.4")
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build();
    long[] latencies = new long[1024];
    int count = 0;
    while (System.nanoTime() < deadline) {
      long start = System.nanoTime();
      try {
        HttpResponse<byte[]> response =
            client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        long latency = System.nanoTime() - start;
        if (response.statusCode() != 200) {
          errors.incrementAndGet();
          continue;
        }
        bytes.addAndGet(response.body().length);
        if (count == latencies.length) {
          latencies = Arrays.copyOf(latencies, count * 2);
        }
        latencies[count++] = latency;
      } catch (IOException e) {
        errors.incrementAndGet();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return Arrays.copyOf(latencies, count);
  }
}
