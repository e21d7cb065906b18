package io.gpuagent.bench.health;

import java.util.Arrays;
import java.util.Locale;

/** Latencies in nanoseconds, reported as a Markdown row of nearest-rank percentiles in ms. */
final class LatencySamples {
  private final long[] nanos;
  private int count;

  LatencySamples(int capacity) {
    nanos = new long[capacity];
  }

  void add(long latencyNanos) {
    nanos[count++] = latencyNanos;
  }

  /** {@code | label | samples | p50 | p90 | p99 | max |}. */
  String row(String label) {
    if (count == 0) {
      return "| " + label + " | 0 | - | - | - | - |";
    }
    long[] sorted = Arrays.copyOf(nanos, count);
    Arrays.sort(sorted);
    return String.format(
        Locale.ROOT,
        "| %s | %d | %.2f | %.2f | %.2f | %.2f |",
        label,
        count,
        percentile(sorted, 50) / 1e6,
        percentile(sorted, 90) / 1e6,
        percentile(sorted, 99) / 1e6,
        sorted[count - 1] / 1e6);
  }

  /** The smallest sample with at least {@code percent} % of the samples at or below it. */
  private static long percentile(long[] sorted, int percent) {
    int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
    return sorted[Math.max(rank, 1) - 1];
  }
}
