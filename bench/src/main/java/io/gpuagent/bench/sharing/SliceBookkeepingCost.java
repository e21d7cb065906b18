package io.gpuagent.bench.sharing;

import io.gpuagent.agent.QuotaAccounting;
import io.gpuagent.agent.SimulatedPods;
import io.gpuagent.bench.LoadAverage;
import io.gpuagent.deviceplugin.sharing.Enforcement;
import io.gpuagent.deviceplugin.sharing.SharedDevice;
import io.gpuagent.deviceplugin.sharing.SharingMode;
import io.gpuagent.deviceplugin.sharing.quota.QuotaConfig;
import io.gpuagent.deviceplugin.sharing.quota.QuotaMonitor;
import io.gpuagent.exporter.DeviceHealthSource;
import io.gpuagent.exporter.ExporterConfig;
import io.gpuagent.exporter.MetricsExporter;
import io.gpuagent.exporter.SharingAccountingSource;
import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.nvml.inventory.InventoryReader;
import io.gpuagent.nvml.sim.SimOptions;
import io.gpuagent.nvml.sim.SimulatedNode;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * What the slice bookkeeping adds to one sample of an 8×H100 node: the exporter's sample of {@code
 * h100x8-shared} (seven simulated pods on GPUs 0-2, their device IDs from the simulated kubelet)
 * alone, then with the quota monitor's sample of the three shared GPUs (NVML processes, the
 * simulated /proc tree, podresources, policies) and the per-pod accounting series. The two are run
 * in alternating batches so machine load hits both alike. Target: &lt; 5 %.
 *
 * <pre>
 * mvn -B -q -pl bench -am package -DskipTests
 * java -cp bench/target/benchmarks.jar io.gpuagent.bench.sharing.SliceBookkeepingCost [batches]
 * </pre>
 */
public final class SliceBookkeepingCost {
  private static final int WARM_UP = 3_000;
  private static final int BATCH = 200;
  private static final long GIB = 1L << 30;

  private SliceBookkeepingCost() {}

  public static void main(String[] args) throws Exception {
    int batches = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    System.out.println(
        "cpus=" + Runtime.getRuntime().availableProcessors() + " " + LoadAverage.now());
    SimulatedNode node =
        SimulatedNode.load("h100x8-shared", SimOptions.defaults().withNodeName("bench"));
    node.init();
    Inventory inventory = new InventoryReader(node, Clock.systemUTC()).read();
    try (SimulatedPods pods = new SimulatedPods(node);
        QuotaMonitor monitor = monitor(node, pods);
        MetricsExporter plain = exporter(node, inventory, pods, SharingAccountingSource.NONE);
        MetricsExporter shared =
            exporter(node, inventory, pods, () -> QuotaAccounting.of(monitor.current()))) {
      Runnable without = plain::sampleNow;
      Runnable with =
          () -> {
            monitor.sampleNow();
            shared.sampleNow();
          };
      Runnable monitorOnly = monitor::sampleNow;
      Runnable accountingOnly = shared::sampleNow;
      for (int i = 0; i < WARM_UP; i++) {
        without.run();
        with.run();
      }
      double[] a = new double[batches];
      double[] b = new double[batches];
      double[] m = new double[batches];
      double[] e = new double[batches];
      for (int i = 0; i < batches; i++) {
        a[i] = microsPerRun(without);
        b[i] = microsPerRun(with);
        m[i] = microsPerRun(monitorOnly);
        e[i] = microsPerRun(accountingOnly);
      }
      double base = median(a);
      double full = median(b);
      System.out.println();
      System.out.println(
          "| h100x8-shared, one sample | median of "
              + batches
              + " batches (µs) | min | max | vs. exporter alone |");
      System.out.println("| --- | ---: | ---: | ---: | ---: |");
      row("exporter sample, no sharing plan", a, base);
      row("quota monitor sample alone (3 shared GPUs, 7 pods)", m, base);
      row("exporter sample with the accounting series (report as is)", e, base);
      row("exporter sample + quota monitor + accounting series", b, base);
      System.out.printf(
          Locale.ROOT,
          "%nslice bookkeeping adds %.1f %% to a sample (target < 5 %%)%n",
          100 * (full - base) / base);
    }
    System.out.println(LoadAverage.now());
  }

  private static void row(String what, double[] values, double base) {
    double median = median(values);
    System.out.printf(
        Locale.ROOT,
        "| %s | %.1f | %.1f | %.1f | %+.1f %% |%n",
        what,
        median,
        Arrays.stream(values).min().orElseThrow(),
        Arrays.stream(values).max().orElseThrow(),
        100 * (median - base) / base);
  }

  private static double microsPerRun(Runnable body) {
    long start = System.nanoTime();
    for (int i = 0; i < BATCH; i++) {
      body.run();
    }
    return (System.nanoTime() - start) / 1000.0 / BATCH;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static QuotaMonitor monitor(SimulatedNode node, SimulatedPods pods) {
    String gpu0 = node.deviceByIndex(0).uuid();
    String gpu1 = node.deviceByIndex(1).uuid();
    String gpu2 = node.deviceByIndex(2).uuid();
    Map<String, SharedDevice> plan =
        Map.of(
            gpu0, sliced(gpu0),
            gpu1, sliced(gpu1),
            gpu2,
                new SharedDevice(
                    gpu2, SharingMode.REPLICAS, Enforcement.OBSERVE, 0, 4, "nvidia.com/gpu"));
    return new QuotaMonitor(
        new QuotaConfig(Duration.ofSeconds(5), pods.procRoot(), Duration.ofSeconds(10)),
        node,
        () -> plan,
        pods,
        pods.signals(),
        Clock.systemUTC());
  }

  private static SharedDevice sliced(String uuid) {
    return new SharedDevice(
        uuid, SharingMode.MEMORY_SLICES, Enforcement.OBSERVE, GIB, 77, "nvidia.com/gpu-memory");
  }

  private static MetricsExporter exporter(
      SimulatedNode node,
      Inventory inventory,
      SimulatedPods pods,
      SharingAccountingSource sharing) {
    return new MetricsExporter(
        ExporterConfig.defaults().withJvmMetrics(false),
        node,
        () -> inventory,
        pods,
        DeviceHealthSource.NONE,
        sharing,
        () -> 0,
        "bench-node",
        Clock.systemUTC());
  }
}
