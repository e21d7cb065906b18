package io.gpuagent.bench.exporter;

import io.gpuagent.exporter.RenderedMetrics;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the exporter costs on simulated nodes: one sample (every GPU read, the snapshot built), the
 * first scrape of a sample in each format (the rendering), and every later scrape (a lookup). The
 * agent's own work around NVML: on a real node NVML's latency adds to the sample.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ExporterBenchmark {
  static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0";

  @Param({"h100x8", "a100-mig"})
  public String profile;

  private SimulatedScrapeTarget target;

  @Setup(Level.Trial)
  public void start() {
    target = new SimulatedScrapeTarget(profile);
    target.exporter.sampleNow();
    target.exporter.sampleNow();
  }

  @TearDown(Level.Trial)
  public void stop() {
    target.close();
  }

  /** One sample: every GPU and MIG device read in parallel, the snapshot built. */
  @Benchmark
  public void sample() {
    target.exporter.sampleNow();
  }

  /** A scrape of a sample already rendered in that format: what most scrapes cost. */
  @Benchmark
  public RenderedMetrics cachedScrape() {
    return target.exporter.render(null);
  }

  /** The first scrape after a sample, in Prometheus text: the rendering itself. */
  @State(Scope.Thread)
  public static class FreshSample {
    @Setup(Level.Invocation)
    public void sample(ExporterBenchmark benchmark) {
      benchmark.target.exporter.sampleNow();
    }
  }

  @Benchmark
  public RenderedMetrics firstScrapeText(FreshSample fresh) {
    return target.exporter.render(null);
  }

  @Benchmark
  public RenderedMetrics firstScrapeOpenMetrics(FreshSample fresh) {
    return target.exporter.render(OPENMETRICS);
  }
}
