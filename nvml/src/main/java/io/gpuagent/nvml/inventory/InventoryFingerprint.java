package io.gpuagent.nvml.inventory;

import io.gpuagent.nvml.MigMode;
import io.gpuagent.nvml.Nvml;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.NvmlException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What decides whether the inventory must be read again, cheap to take: the GPUs NVML counts, each
 * one's UUID (empty while it does not answer), MIG mode current and pending, and the GPU/compute
 * instance ids of its MIG devices. Two fingerprints differ exactly when a rebuild could give a
 * different set of devices; a driver that never sends {@code nvmlEventMigConfigChange} is caught by
 * comparing them.
 */
public record InventoryFingerprint(List<GpuPrint> gpus) {

  public InventoryFingerprint {
    gpus = List.copyOf(gpus);
  }

  /** One GPU; {@code uuid} empty means NVML did not answer for it (lost, unreadable). */
  public record GpuPrint(
      int index, Optional<String> uuid, Optional<MigMode> migMode, List<MigSlot> migDevices) {

    public GpuPrint {
      migDevices = List.copyOf(migDevices);
    }

    static GpuPrint unreadable(int index) {
      return new GpuPrint(index, Optional.empty(), Optional.empty(), List.of());
    }
  }

  /** A MIG device by the ids NVML gives it inside its GPU. */
  public record MigSlot(int gpuInstanceId, int computeInstanceId) {}

  /** Whether the GPU at {@code index} answered when this fingerprint was taken. */
  public boolean answers(int index) {
    return gpus.stream().anyMatch(gpu -> gpu.index() == index && gpu.uuid().isPresent());
  }

  /** The fingerprint an inventory was built from. */
  public static InventoryFingerprint of(Inventory inventory) {
    List<GpuPrint> prints = new ArrayList<>();
    for (Gpu gpu : inventory.gpus()) {
      prints.add(
          new GpuPrint(
              gpu.index(),
              Optional.of(gpu.uuid()),
              gpu.migMode(),
              gpu.migDevices().stream()
                  .map(mig -> new MigSlot(mig.gpuInstanceId(), mig.computeInstanceId()))
                  .toList()));
    }
    inventory.lostGpus().forEach(lost -> prints.add(GpuPrint.unreadable(lost.index())));
    prints.sort((a, b) -> Integer.compare(a.index(), b.index()));
    return new InventoryFingerprint(prints);
  }

  /**
   * Takes the fingerprint from NVML: per GPU a handle, its MIG mode and its MIG device slots, a
   * handful of calls where a full read makes dozens. A GPU that fails any of them is unreadable.
   *
   * @throws NvmlException when NVML cannot even count the GPUs
   */
  public static InventoryFingerprint read(Nvml nvml) {
    int count = nvml.deviceCount();
    List<GpuPrint> prints = new ArrayList<>(count);
    for (int index = 0; index < count; index++) {
      prints.add(readGpu(nvml, index));
    }
    return new InventoryFingerprint(prints);
  }

  private static GpuPrint readGpu(Nvml nvml, int index) {
    try {
      NvmlDevice gpu = nvml.deviceByIndex(index);
      Optional<MigMode> migMode = gpu.migMode();
      List<MigSlot> slots = new ArrayList<>();
      if (migMode.map(MigMode::current).orElse(false)) {
        for (NvmlDevice mig : gpu.migDevices()) {
          slots.add(new MigSlot(mig.gpuInstanceId(), mig.computeInstanceId()));
        }
      }
      return new GpuPrint(index, Optional.of(gpu.uuid()), migMode, slots);
    } catch (NvmlException e) {
      return GpuPrint.unreadable(index);
    }
  }
}
