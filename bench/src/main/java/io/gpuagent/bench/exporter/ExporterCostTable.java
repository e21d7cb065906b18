package io.gpuagent.bench.exporter;

import io.gpuagent.exporter.RenderedMetrics;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link ExporterBenchmark} and prints one table: per profile, the cost of a sample, of the
 * first scrape of a sample (rendering) and of later scrapes (lookup), with the series and bytes a
 * scrape carries.
 *
 * <pre>
 * mvn -B -q -pl bench -am package -DskipTests
 * java -cp bench/target/benchmarks.jar io.gpuagent.bench.exporter.ExporterCostTable
 * </pre>
 */
public final class ExporterCostTable {
  private static final List<String> PROFILES = List.of("h100x8", "a100-mig");

  private ExporterCostTable() {}

  public static void main(String[] args) throws RunnerException {
    Options options =
        new OptionsBuilder().include(ExporterBenchmark.class.getName() + "\\.").build();
    Collection<RunResult> results = new Runner(options).run();

    System.out.println();
    System.out.println(
        "| profile | sample (µs) | first scrape, text (µs) | first scrape, OpenMetrics (µs)"
            + " | later scrape (ns) | series | text bytes | OpenMetrics bytes |");
    System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (String profile : PROFILES) {
      Size size = measure(profile);
      System.out.printf(
          Locale.ROOT,
          "| %s | %s | %s | %s | %s | %d | %d | %d |%n",
          profile,
          score(results, profile, "sample", 1),
          score(results, profile, "firstScrapeText", 1),
          score(results, profile, "firstScrapeOpenMetrics", 1),
          score(results, profile, "cachedScrape", 1000),
          size.series(),
          size.textBytes(),
          size.openMetricsBytes());
    }
  }

  private record Size(long series, int textBytes, int openMetricsBytes) {}

  private static Size measure(String profile) {
    try (SimulatedScrapeTarget target = new SimulatedScrapeTarget(profile)) {
      target.exporter.sampleNow();
      target.exporter.sampleNow();
      RenderedMetrics text = target.exporter.render(null);
      RenderedMetrics openMetrics = target.exporter.render(ExporterBenchmark.OPENMETRICS);
      long series =
          new String(text.body(), StandardCharsets.UTF_8)
              .lines()
              .filter(line -> !line.isEmpty() && !line.startsWith("#"))
              .count();
      return new Size(series, text.body().length, openMetrics.body().length);
    }
  }

  /** The JMH score (µs per operation) times {@code scale}, with its error. */
  private static String score(
      Collection<RunResult> results, String profile, String benchmark, double scale) {
    return results.stream()
        .filter(r -> r.getParams().getBenchmark().endsWith("." + benchmark))
        .filter(r -> profile.equals(r.getParams().getParam("profile")))
        .findFirst()
        .map(
            r ->
                String.format(
                    Locale.ROOT,
                    "%.2f ± %.2f",
                    r.getPrimaryResult().getScore() * scale,
                    r.getPrimaryResult().getScoreError() * scale))
        .orElse("-");
  }
}
