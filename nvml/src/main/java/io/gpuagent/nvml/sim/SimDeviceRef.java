package io.gpuagent.nvml.sim;

import io.gpuagent.nvml.NvmlDevice;
import java.util.List;
import java.util.Optional;

/** A GPU, or one MIG device of it, as a UUID names it. */
record SimDeviceRef(SimGpu gpu, Optional<SimComputeInstance> instance) {

  /** The device with this {@code GPU-…} or {@code MIG-…} UUID, if it exists now. */
  static Optional<SimDeviceRef> find(List<SimGpu> gpus, String uuid) {
    for (SimGpu gpu : gpus) {
      if (gpu.uuid.equals(uuid)) {
        return Optional.of(new SimDeviceRef(gpu, Optional.empty()));
      }
      for (SimComputeInstance ci : gpu.mig.map(MigLayout::migDevices).orElse(List.of())) {
        if (ci.uuid().equals(uuid)) {
          return Optional.of(new SimDeviceRef(gpu, Optional.of(ci)));
        }
      }
    }
    return Optional.empty();
  }

  String uuid() {
    return instance.map(SimComputeInstance::uuid).orElse(gpu.uuid);
  }

  /** The GPU's handle, or a new MIG device handle with its current slot as index. */
  NvmlDevice handle() {
    return instance
        .<NvmlDevice>map(ci -> new SimMigDevice(ci, gpu.mig.orElseThrow().migDevices().indexOf(ci)))
        .orElse(gpu.handle);
  }
}
