package io.gpuagent.exporter;

import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.nvml.inventory.SimulatedInventories;
import io.gpuagent.nvml.sim.SimOptions;
import io.gpuagent.nvml.sim.SimulatedNode;
import io.gpuagent.podresources.PodAssignmentSource;
import io.gpuagent.podresources.PodAssignments;
import io.gpuagent.testing.ManualClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * An exporter on a simulated node with a fixed seed and a manual clock, for tests: the same calls
 * give the same bytes. JVM metrics are off (they change by themselves).
 */
final class SimulatedExporter implements AutoCloseable {
  static final long SEED = 42;
  static final String HOSTNAME = "gpu-node-1";
  static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  final ManualClock clock = new ManualClock(START);
  final SimulatedNode node;
  private final SimulatedInventories inventories;
  final AtomicReference<Inventory> inventory = new AtomicReference<>();
  final AtomicReference<PodAssignments> pods = new AtomicReference<>(PodAssignments.NONE);
  final AtomicLong podResourcesFailures = new AtomicLong();
  final AtomicReference<SharingAccounting> sharing = new AtomicReference<>(SharingAccounting.NONE);
  final MetricsExporter exporter;

  SimulatedExporter(String profile) {
    this(profile, ExporterConfig.defaults().withJvmMetrics(false), DeviceHealthSource.NONE);
  }

  SimulatedExporter(String profile, ExporterConfig config, DeviceHealthSource health) {
    this(profile, config, health, null, null);
  }

  /** With the pod source and its failure count given, e.g. a real podresources watcher. */
  SimulatedExporter(
      String profile,
      ExporterConfig config,
      DeviceHealthSource health,
      PodAssignmentSource podSource,
      LongSupplier podSourceFailures) {
    inventories = new SimulatedInventories(profile, new SimOptions("sim-" + profile, SEED, clock));
    node = inventories.node;
    inventory.set(inventories.current());
    exporter =
        new MetricsExporter(
            config,
            node,
            inventory::get,
            podSource != null ? podSource : pods::get,
            health,
            sharing::get,
            podSourceFailures != null ? podSourceFailures : podResourcesFailures::get,
            HOSTNAME,
            clock);
  }

  /** Reads the inventory again, as the agent does after a change. */
  void refreshInventory() {
    inventory.set(inventories.reread());
  }

  /** Samples at the current time, then again {@code seconds} later (so rates exist). */
  void sampleTwice(long seconds) {
    exporter.sampleNow();
    clock.advance(Duration.ofSeconds(seconds));
    exporter.sampleNow();
  }

  String text() {
    return new String(exporter.render(null).body(), StandardCharsets.UTF_8);
  }

  String openMetrics() {
    return new String(
        exporter.render("application/openmetrics-text; version=1.0.0").body(),
        StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    exporter.close();
    inventories.close();
  }
}
