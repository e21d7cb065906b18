package io.gpuagent.health;

import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.nvml.inventory.MigDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A device a probe can run on: a GPU outside MIG mode, or one MIG device (CUDA sees a GPU in MIG
 * mode only through its MIG devices).
 */
record ProbeTarget(String uuid, Gpu gpu, Optional<MigDevice> mig) {

  static List<ProbeTarget> all(Inventory inventory) {
    List<ProbeTarget> targets = new ArrayList<>();
    for (Gpu gpu : inventory.gpus()) {
      if (!gpu.migEnabled()) {
        targets.add(new ProbeTarget(gpu.uuid(), gpu, Optional.empty()));
      }
      for (MigDevice mig : gpu.migDevices()) {
        targets.add(new ProbeTarget(mig.uuid(), gpu, Optional.of(mig)));
      }
    }
    return List.copyOf(targets);
  }

  /**
   * @throws IllegalArgumentException when the inventory has no such device, or it is a GPU in MIG
   *     mode
   */
  static ProbeTarget find(Inventory inventory, String uuid) {
    for (ProbeTarget target : all(inventory)) {
      if (target.uuid.equals(uuid)) {
        return target;
      }
    }
    if (inventory.gpus().stream().anyMatch(gpu -> gpu.uuid().equals(uuid))) {
      throw new IllegalArgumentException(
          uuid + " is in MIG mode: probe one of its MIG devices instead");
    }
    throw new IllegalArgumentException("no GPU or MIG device " + uuid + " in the inventory");
  }
}
