package io.gpuagent.nvml.inventory;

import io.gpuagent.nvml.Architecture;
import io.gpuagent.nvml.Brand;
import io.gpuagent.nvml.ComputeCapability;
import io.gpuagent.nvml.MigMode;
import java.util.List;
import java.util.Optional;

/** One physical GPU as the inventory saw it. {@code migMode} is empty on GPUs without MIG. */
public record Gpu(
    int index,
    String uuid,
    String name,
    Brand brand,
    Architecture architecture,
    ComputeCapability computeCapability,
    String pciBusId,
    int pciDeviceId,
    Optional<String> serial,
    int minorNumber,
    Optional<Integer> numaNode,
    long memoryTotalBytes,
    Optional<MigMode> migMode,
    List<MigDevice> migDevices) {

  public Gpu {
    migDevices = List.copyOf(migDevices);
  }

  public boolean migEnabled() {
    return migMode.map(MigMode::current).orElse(false);
  }
}
