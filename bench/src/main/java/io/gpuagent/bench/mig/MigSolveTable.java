package io.gpuagent.bench.mig;

import io.gpuagent.bench.LoadAverage;
import io.gpuagent.mig.MigConfigEntry;
import io.gpuagent.mig.MigConfigFile;
import io.gpuagent.mig.MigPlacementSolver;
import io.gpuagent.nvml.mig.MigProfileTable;
import io.gpuagent.nvml.sim.SimulatedNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Solving every layout of the GPU operator's default mig-parted config for an 8-GPU node: for each
 * layout, each GPU takes the last entry that selects it (by index and PCI device id) and the solver
 * places its instances. One pass = all layouts × 8 GPUs. Prints p50 / p99 / max of a pass and of
 * one layout on 8 GPUs, for an 8× A100-SXM4-80GB and an 8× H100 80GB node. Target: a pass under 1
 * ms.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.gpuagent.bench.mig.MigSolveTable [passes]</pre>
 */
public final class MigSolveTable {
  private static final int GPUS = 8;

  private record Model(String name, int pciDeviceId) {}

  private static final List<Model> MODELS =
      List.of(
          new Model("NVIDIA A100-SXM4-80GB", 0x20B210DE),
          new Model("NVIDIA H100 80GB HBM3", 0x233010DE));

  private static long sink;

  private MigSolveTable() {}

  public static void main(String[] args) throws IOException {
    int passes = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
    MigConfigFile file = defaultConfig();
    System.out.printf(
        Locale.ROOT,
        "cpus %d, load average %s; %d layouts, %d GPUs, %d measured passes%n%n",
        Runtime.getRuntime().availableProcessors(),
        LoadAverage.now(),
        file.layouts().size(),
        GPUS,
        passes);
    System.out.println(
        "| node | layouts solved / refused per pass | pass p50 | pass p99 | pass max | one layout"
            + " on 8 GPUs p50 / p99 |");
    System.out.println("| --- | --- | ---: | ---: | ---: | --- |");
    for (Model model : MODELS) {
      MigProfileTable table = SimulatedNode.builtInMigTable(model.name()).orElseThrow();
      int[] counts = new int[2];
      pass(file, table, model.pciDeviceId(), counts);
      for (int i = 0; i < passes; i++) {
        pass(file, table, model.pciDeviceId(), new int[2]);
      }
      long[] passNanos = new long[passes];
      long[] layoutNanos = new long[passes];
      for (int i = 0; i < passes; i++) {
        long start = System.nanoTime();
        pass(file, table, model.pciDeviceId(), new int[2]);
        passNanos[i] = System.nanoTime() - start;
        layoutNanos[i] = passNanos[i] / file.layouts().size();
      }
      Arrays.sort(passNanos);
      Arrays.sort(layoutNanos);
      System.out.printf(
          Locale.ROOT,
          "| 8× %s | %d / %d | %s | %s | %s | %s / %s |%n",
          table.shortModel(),
          counts[0],
          counts[1],
          micros(percentile(passNanos, 0.50)),
          micros(percentile(passNanos, 0.99)),
          micros(passNanos[passNanos.length - 1]),
          micros(percentile(layoutNanos, 0.50)),
          micros(percentile(layoutNanos, 0.99)));
    }
    System.out.println();
    System.out.println("load average after: " + LoadAverage.now() + " (sink " + sink + ")");
  }

  /** Every layout for 8 GPUs of one model; counts[0] solved GPU plans, counts[1] refused. */
  private static void pass(
      MigConfigFile file, MigProfileTable table, int pciDeviceId, int[] counts) {
    for (Map.Entry<String, List<MigConfigEntry>> layout : file.layouts().entrySet()) {
      for (int gpu = 0; gpu < GPUS; gpu++) {
        MigConfigEntry chosen = null;
        for (MigConfigEntry entry : layout.getValue()) {
          if (entry.selects(gpu, pciDeviceId)) {
            chosen = entry;
          }
        }
        if (chosen == null || !chosen.migEnabled()) {
          continue;
        }
        MigPlacementSolver.Result result = MigPlacementSolver.solve(table, chosen.migDevices());
        if (result instanceof MigPlacementSolver.Solved solved) {
          counts[0]++;
          sink += solved.instances().size();
        } else {
          counts[1]++;
          sink++;
        }
      }
    }
  }

  private static long percentile(long[] sorted, double p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))];
  }

  private static String micros(long nanos) {
    return String.format(Locale.ROOT, "%.1f µs", nanos / 1000.0);
  }

  private static MigConfigFile defaultConfig() throws IOException {
    String name = "gpu-operator-default-mig-parted-config.yaml";
    try (InputStream in = MigSolveTable.class.getResourceAsStream(name)) {
      return MigConfigFile.parse(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }
}
