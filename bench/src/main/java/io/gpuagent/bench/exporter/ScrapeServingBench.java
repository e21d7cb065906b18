package io.gpuagent.bench.exporter;

import io.gpuagent.agent.http.MetricsRoute;
import io.gpuagent.bench.LoadAverage;
import io.gpuagent.exporter.ExporterConfig;
import io.gpuagent.exporter.RenderedMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What a scrape of {@code /metrics} costs over what the HTTP server itself costs: the agent's own
 * {@link MetricsRoute} on a Vert.x server (as the agent configures it) in front of an exporter on a
 * simulated node with a pod on every device, sampling every second, next to {@code /static}, a
 * route that answers with the same bytes rendered once (the most a route could save). {@link
 * ScrapeLoad} drives each route with 1 and with 50 keep-alive scrapers from this JVM, after a short
 * warm-up of both, in five rounds taken in turns. Prints req/s, p50, p99 and max per route and the
 * ratio of the p99s.
 *
 * <pre>
 * mvn -B -q install -DskipTests
 * java -cp bench/target/benchmarks.jar io.gpuagent.bench.exporter.ScrapeServingBench \
 *     [seconds per row, default 15]
 * </pre>
 */
public final class ScrapeServingBench {
  private static final int DEFAULT_SECONDS = 15;
  private static final Duration WARMUP = Duration.ofSeconds(3);
  private static final int ROUNDS = 5;

  /** What ScrapeLoad sends: Prometheus text, as Prometheus asks without OpenMetrics enabled. */
  private static final String ACCEPT = "text/plain;version=0.0.4";

  private record Plan(String profile, List<Integer> scrapers) {}

  private static final List<Plan> PLANS =
      List.of(new Plan("h100x8", List.of(1, 50)), new Plan("a100-mig", List.of(1)));

  private ScrapeServingBench() {}

  /**
   * @throws IllegalArgumentException for a wrong argument (the message says which)
   */
  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_SECONDS;
    if (seconds < 1 || seconds > 300) {
      throw new IllegalArgumentException("seconds per row must be 1..300, got " + seconds);
    }
    Duration each = Duration.ofSeconds(seconds);
    System.out.printf(
        "scrape serving: MetricsRoute vs a static route with the same bytes, %d s per row after"
            + " %d s warm-up per route; %d CPUs, load average %s%n",
        seconds, WARMUP.toSeconds(), Runtime.getRuntime().availableProcessors(), LoadAverage.now());
    List<String> rows = new ArrayList<>();
    Vertx vertx = Vertx.vertx();
    try {
      for (Plan plan : PLANS) {
        rows.addAll(measure(vertx, plan, each));
      }
    } finally {
      await(vertx.close());
    }
    System.out.println(
        "| profile | route | scrapers | bytes | req/s | p50 (ms) | p99 (ms) | max (ms) | errors"
            + " | p99 /metrics ÷ p99 /static |");
    System.out.println("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    rows.forEach(System.out::println);
    System.out.println("load average after: " + LoadAverage.now());
  }

  /** One profile: a server, a warm-up of both routes, then a pair of rows per scraper count. */
  private static List<String> measure(Vertx vertx, Plan plan, Duration each) throws Exception {
    List<String> rows = new ArrayList<>();
    try (SimulatedScrapeTarget target =
        new SimulatedScrapeTarget(
            plan.profile(), ExporterConfig.withInterval(Duration.ofSeconds(1)))) {
      // Two samples first: rates and counters appear from the second on, so the static bytes
      // are the size every later scrape has.
      target.exporter.sampleNow();
      target.exporter.sampleNow();
      RenderedMetrics once = target.exporter.render(ACCEPT);
      target.exporter.start();
      Router router = Router.router(vertx);
      MetricsRoute.addTo(router, target.exporter);
      // Rendered and copied into a Buffer once; Vert.x sends a slice of it, so it is reusable.
      Buffer staticBody = Buffer.buffer(once.body());
      router
          .get("/static")
          .handler(
              ctx -> ctx.response().putHeader("content-type", once.contentType()).end(staticBody));
      HttpServer server =
          await(
              vertx
                  .createHttpServer(new HttpServerOptions().setCompressionSupported(true))
                  .requestHandler(router)
                  .listen(0, "127.0.0.1"));
      try {
        URI metrics = URI.create("http://127.0.0.1:" + server.actualPort() + "/metrics");
        URI fixed = URI.create("http://127.0.0.1:" + server.actualPort() + "/static");
        int most = plan.scrapers().stream().mapToInt(Integer::intValue).max().orElse(1);
        ScrapeLoad.run(fixed, most, WARMUP);
        ScrapeLoad.run(metrics, most, WARMUP);
        for (int scrapers : plan.scrapers()) {
          ScrapeLoad.Report fixedReport = ScrapeLoad.Report.NONE;
          ScrapeLoad.Report metricsReport = ScrapeLoad.Report.NONE;
          // In turns, so a neighbour's burst on a shared machine lands on both routes alike.
          Duration round = each.dividedBy(ROUNDS);
          for (int i = 0; i < ROUNDS; i++) {
            fixedReport = fixedReport.plus(ScrapeLoad.run(fixed, scrapers, round));
            metricsReport = metricsReport.plus(ScrapeLoad.run(metrics, scrapers, round));
          }
          double ratio = metricsReport.percentile(0.99) / fixedReport.percentile(0.99);
          rows.add(row(plan.profile(), "/static", scrapers, fixedReport, ""));
          rows.add(
              row(
                  plan.profile(),
                  "/metrics",
                  scrapers,
                  metricsReport,
                  String.format(Locale.ROOT, "%.2f", ratio)));
        }
      } finally {
        await(server.close());
      }
    }
    return rows;
  }

  private static <T> T await(Future<T> future)
      throws InterruptedException, ExecutionException, TimeoutException {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static String row(
      String profile, String route, int scrapers, ScrapeLoad.Report report, String ratio) {
    double secs = report.took().toNanos() / 1e9;
    int count = report.latencies().length;
    return String.format(
        Locale.ROOT,
        "| %s | %s | %d | %d | %.0f | %.3f | %.3f | %.3f | %d | %s |",
        profile,
        route,
        scrapers,
        count == 0 ? 0 : report.bytes() / count,
        count / secs,
        report.percentile(0.50),
        report.percentile(0.99),
        count == 0 ? 0 : report.latencies()[count - 1] / 1e6,
        report.errors(),
        ratio);
  }
}
