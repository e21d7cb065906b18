package io.gpuagent.bench.deviceplugin;

import io.gpuagent.bench.deviceplugin.KubeletSideBySide.Sample;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** The side-by-side table: per measure the target, both medians, their ratio and the verdict. */
final class SideBySideTable {
  private SideBySideTable() {}

  static String render(List<Sample> agent, List<Sample> stub) {
    StringBuilder table =
        new StringBuilder(
            "| measure (median of runs, ms) | target | gpu-agent | stubplugin | ratio | met |\n"
                + "| --- | --- | ---: | ---: | ---: | --- |\n");
    row(table, "first Allocate after start", "< 20 ms", agent, stub, Sample::firstAllocate, 20, 0);
    row(table, "later Allocate p50", "≤ 1.5× stubplugin", agent, stub, Sample::allocateP50, 0, 1.5);
    row(table, "re-registration p50", "≤ 2× stubplugin", agent, stub, Sample::reregP50, 0, 2);
    row(
        table,
        "process start → registered",
        "< 1,500 ms",
        agent,
        stub,
        Sample::startToRegistered,
        1500,
        0);
    return table.toString();
  }

  /** A row; met against {@code absolute} ms when above 0, else against {@code maxRatio}. */
  private static void row(
      StringBuilder table,
      String measure,
      String target,
      List<Sample> agent,
      List<Sample> stub,
      ToDoubleFunction<Sample> value,
      double absolute,
      double maxRatio) {
    double ours = median(agent.stream().map(value::applyAsDouble).toList());
    double theirs = median(stub.stream().map(value::applyAsDouble).toList());
    double ratio = ours / theirs;
    boolean met = absolute > 0 ? ours < absolute : ratio <= maxRatio;
    table.append(
        String.format(
            Locale.ROOT,
            "| %s | %s | %.2f | %.2f | %.2f | %s |%n",
            measure,
            target,
            ours,
            theirs,
            ratio,
            met ? "yes" : "**no**"));
  }

  static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }
}
