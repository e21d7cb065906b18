package io.gpuagent.exporter.sampling;

import io.gpuagent.nvml.inventory.Inventory;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One sampling round: the inventory it covered, the GPUs that answered in time (by UUID), and those
 * that did not ({@code timedOut}: still busy with this or an earlier round). A GPU in neither
 * failed (lost, or an error logged). Immutable.
 */
public record NodeSample(
    Inventory inventory,
    Map<String, GpuSample> gpus,
    Set<String> timedOut,
    Instant finishedAt,
    Duration took) {

  public NodeSample {
    gpus = Map.copyOf(gpus);
    timedOut = Set.copyOf(timedOut);
  }

  public Optional<GpuSample> gpu(String uuid) {
    return Optional.ofNullable(gpus.get(uuid));
  }
}
