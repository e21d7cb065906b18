package io.gpuagent.bench.exporter;

import io.gpuagent.exporter.DeviceHealthSource;
import io.gpuagent.exporter.ExporterConfig;
import io.gpuagent.exporter.MetricsExporter;
import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.nvml.inventory.InventoryReader;
import io.gpuagent.nvml.sim.SimOptions;
import io.gpuagent.nvml.sim.SimulatedNode;
import io.gpuagent.podresources.ContainerRef;
import io.gpuagent.podresources.PodAssignments;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An exporter on a simulated node as a busy node runs it: every GPU (or MIG device) owned by one
 * pod, JVM metrics on, the system clock (so rates are real).
 */
final class SimulatedScrapeTarget implements AutoCloseable {
  final SimulatedNode node;
  final MetricsExporter exporter;

  /** Sampling every 5 s (the default), not started. */
  SimulatedScrapeTarget(String profile) {
    this(profile, ExporterConfig.defaults());
  }

  /** Not started: call {@code exporter.start()} to sample on schedule. */
  SimulatedScrapeTarget(String profile, ExporterConfig config) {
    node = SimulatedNode.load(profile, SimOptions.defaults().withNodeName("bench-" + profile));
    node.init();
    Inventory inventory = new InventoryReader(node, Clock.systemUTC()).read();
    PodAssignments pods = onePodPerDevice(inventory);
    exporter =
        new MetricsExporter(
            config,
            node,
            () -> inventory,
            () -> pods,
            DeviceHealthSource.NONE,
            () -> 0,
            "bench-node",
            Clock.systemUTC());
  }

  private static PodAssignments onePodPerDevice(Inventory inventory) {
    Map<String, List<ContainerRef>> byDevice = new HashMap<>();
    for (Gpu gpu : inventory.gpus()) {
      if (gpu.migDevices().isEmpty()) {
        byDevice.put(gpu.uuid(), List.of(new ContainerRef("ml", "job-" + gpu.index(), "main")));
      }
      gpu.migDevices()
          .forEach(
              mig ->
                  byDevice.put(
                      mig.uuid(),
                      List.of(
                          new ContainerRef(
                              "ml", "job-" + gpu.index() + "-" + mig.index(), "main"))));
    }
    return new PodAssignments(byDevice, inventory.builtAt());
  }

  @Override
  public void close() {
    exporter.close();
    node.shutdown();
  }
}
