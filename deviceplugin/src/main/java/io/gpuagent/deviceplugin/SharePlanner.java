package io.gpuagent.deviceplugin;

import io.gpuagent.deviceplugin.sharing.SharedDevice;
import io.gpuagent.deviceplugin.sharing.SharingMode;
import io.gpuagent.deviceplugin.sharing.SharingRule;
import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.nvml.inventory.MigDevice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Applies {@code sharing.gpus} to the devices the MIG strategy planned: a device whose GPU (or
 * which, by MIG UUID) one rule selects is replaced by its shares, slices under {@code gpu-memory},
 * replicas under the device's own resource, so that no device is advertised twice. What the
 * inventory makes impossible (a rule selecting nothing, a GPU two rules select, a reserve as large
 * as the memory) is a problem line and the device stays whole.
 */
final class SharePlanner {
  /** The default short name of memory slices. */
  static final String GPU_MEMORY = "gpu-memory";

  private final DevicePluginConfig config;

  SharePlanner(DevicePluginConfig config) {
    this.config = config;
  }

  /**
   * Replaces shared devices by their shares in {@code byShortName} (devices of lost GPUs are left
   * alone: they carry over from the previous plan) and returns the shared devices by UUID.
   */
  Map<String, SharedDevice> share(
      Inventory inventory, Map<String, List<PlannedDevice>> byShortName, List<String> problems) {
    List<SharingRule> rules = config.sharing().gpus();
    Map<String, SharedDevice> shared = new LinkedHashMap<>();
    if (rules.isEmpty()) {
      return shared;
    }
    boolean[] used = new boolean[rules.size()];
    Map<String, List<PlannedDevice>> sliceDevices = new LinkedHashMap<>();
    for (Map.Entry<String, List<PlannedDevice>> entry : byShortName.entrySet()) {
      List<PlannedDevice> kept = new ArrayList<>();
      for (PlannedDevice device : entry.getValue()) {
        Optional<Gpu> gpu = gpu(inventory, device.gpuUuid());
        if (device.lost() || device.share().isPresent() || gpu.isEmpty()) {
          kept.add(device);
          continue;
        }
        Optional<MigDevice> mig = mig(gpu.get(), device.id());
        List<Integer> matching = matching(rules, gpu.get(), mig);
        matching.forEach(i -> used[i] = true);
        if (matching.size() > 1) {
          problems.add(
              describe(gpu.get(), mig)
                  + " is selected by sharing.gpus items "
                  + (matching.get(0) + 1)
                  + " and "
                  + (matching.get(1) + 1)
                  + ": a GPU is shared in one mode, so it is advertised exclusive");
          kept.add(device);
          continue;
        }
        if (matching.isEmpty() || rules.get(matching.get(0)).mode() == SharingMode.EXCLUSIVE) {
          kept.add(device);
          continue;
        }
        SharingRule rule = rules.get(matching.get(0));
        long memory = mig.map(MigDevice::memoryTotalBytes).orElse(gpu.get().memoryTotalBytes());
        int shares;
        String shortName;
        if (rule.mode() == SharingMode.MEMORY_SLICES) {
          long slices = (memory - rule.reserveBytes()) / rule.sliceBytes();
          if (slices < 1) {
            problems.add(
                describe(gpu.get(), mig)
                    + " has "
                    + (memory >> 20)
                    + " MiB: reserve "
                    + (rule.reserveBytes() >> 20)
                    + " MiB leaves no slice of "
                    + (rule.sliceBytes() >> 20)
                    + " MiB (sharing.gpus item "
                    + (matching.get(0) + 1)
                    + "), so it is advertised exclusive");
            kept.add(device);
            continue;
          }
          shares = (int) Math.min(slices, Integer.MAX_VALUE);
          shortName = GPU_MEMORY;
        } else {
          shares = rule.replicas();
          shortName = entry.getKey();
        }
        List<PlannedDevice> target =
            shortName.equals(entry.getKey())
                ? kept
                : sliceDevices.computeIfAbsent(shortName, name -> new ArrayList<>());
        for (int k = 0; k < shares; k++) {
          target.add(device.asShare(k));
        }
        shared.put(
            device.id(),
            new SharedDevice(
                device.id(),
                rule.mode(),
                rule.enforcement(),
                rule.mode() == SharingMode.MEMORY_SLICES ? rule.sliceBytes() : 0,
                shares,
                config.resourceName(shortName)));
      }
      entry.setValue(kept);
    }
    sliceDevices.forEach(
        (name, devices) ->
            byShortName.computeIfAbsent(name, n -> new ArrayList<>()).addAll(devices));
    for (int i = 0; i < rules.size(); i++) {
      if (!used[i]) {
        problems.add(
            "sharing.gpus item "
                + (i + 1)
                + " "
                + rules.get(i).select().written()
                + " selects no GPU or MIG device of this node");
      }
    }
    return shared;
  }

  /** The indexes of the rules that select this GPU, or this MIG device by its UUID. */
  private static List<Integer> matching(List<SharingRule> rules, Gpu gpu, Optional<MigDevice> mig) {
    List<Integer> matching = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      boolean selected =
          rules
              .get(i)
              .select()
              .selects(gpu.index(), gpu.uuid(), gpu.name(), mig.map(MigDevice::uuid).orElse(""));
      if (selected) {
        matching.add(i);
      }
    }
    return matching;
  }

  private static String describe(Gpu gpu, Optional<MigDevice> mig) {
    return mig.map(m -> "MIG device " + m.uuid() + " (" + m.profile() + ") of GPU " + gpu.index())
        .orElse("GPU " + gpu.index() + " " + gpu.uuid());
  }

  private static Optional<Gpu> gpu(Inventory inventory, String uuid) {
    return inventory.gpus().stream().filter(gpu -> gpu.uuid().equals(uuid)).findFirst();
  }

  private static Optional<MigDevice> mig(Gpu gpu, String id) {
    return gpu.migDevices().stream().filter(m -> m.uuid().equals(id)).findFirst();
  }
}
