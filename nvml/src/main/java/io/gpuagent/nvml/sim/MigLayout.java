package io.gpuagent.nvml.sim;

import io.gpuagent.nvml.EventType;
import io.gpuagent.nvml.GpuInstance;
import io.gpuagent.nvml.GpuInstanceProfile;
import io.gpuagent.nvml.MigMode;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.NvmlReturn;
import io.gpuagent.nvml.Placement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * MIG on one MIG-capable GPU: the current and pending mode, and the GPU instances that exist.
 * Creation follows {@link MigPlacementRules}; the codes are NVML's. Runs under the node's lock.
 */
final class MigLayout {
  private final SimGpu gpu;
  private final GpuModel.MigSpec spec;
  private boolean current;
  private boolean pending;
  private final TreeMap<Integer, SimGpuInstance> instances = new TreeMap<>();

  MigLayout(SimGpu gpu, GpuModel.MigSpec spec, boolean enabled) {
    this.gpu = gpu;
    this.spec = spec;
    this.current = enabled;
    this.pending = enabled;
  }

  boolean current() {
    return current;
  }

  MigMode mode() {
    return new MigMode(current, pending);
  }

  /**
   * Asks for MIG on or off. Refused with IN_USE while compute processes run; otherwise the mode is
   * pending until the GPU is reset, which the activation status (RESET_REQUIRED) says.
   */
  NvmlReturn requestMode(boolean enabled) {
    if (!gpu.processes().isEmpty()) {
      throw new SimRefusal(NvmlReturn.IN_USE, "compute processes run on " + gpu.uuid);
    }
    pending = enabled;
    return current == enabled ? NvmlReturn.SUCCESS : NvmlReturn.RESET_REQUIRED;
  }

  /** NVML answers 0 MIG device slots while MIG mode is off. */
  int maxDevices() {
    return current ? spec.maxDevices() : 0;
  }

  /** The MIG device in one slot; slots past the count of MIG devices are empty. */
  Optional<NvmlDevice> migDevice(int slot) {
    if (slot < 0 || slot >= maxDevices()) {
      throw new SimRefusal(
          NvmlReturn.INVALID_ARGUMENT, "no MIG device slot " + slot + " on " + gpu.uuid);
    }
    List<SimComputeInstance> devices = migDevices();
    return slot < devices.size()
        ? Optional.of(new SimMigDevice(devices.get(slot), slot))
        : Optional.empty();
  }

  /**
   * Profile info by {@code NVML_GPU_INSTANCE_PROFILE_*} index, only while MIG mode is on ({@code
   * nvmlDeviceGetGpuInstanceProfileInfoV} answers NOT_SUPPORTED otherwise).
   */
  Optional<GpuInstanceProfile> profile(int index) {
    if (index < 0 || index >= NvmlDevice.GPU_INSTANCE_PROFILE_INDEX_COUNT) {
      throw new SimRefusal(NvmlReturn.INVALID_ARGUMENT, "no GPU-instance profile index " + index);
    }
    return current ? spec.byIndex(index).map(MigProfile::info) : Optional.empty();
  }

  /**
   * All placements of a profile, whatever is occupied and whether MIG is on, as NVML lists them.
   */
  List<Placement> possiblePlacements(int profileId) {
    return spec.byId(profileId).map(MigProfile::placements).orElse(List.of());
  }

  SimGpuInstance create(int profileId, Optional<Placement> wanted) {
    requireMigMode();
    MigProfile profile =
        spec.byId(profileId)
            .orElseThrow(
                () ->
                    new SimRefusal(
                        NvmlReturn.INVALID_ARGUMENT,
                        "no GPU-instance profile id " + profileId + " on " + gpu.uuid));
    List<MigPlacementRules.Placed> placed = placed();
    Placement placement =
        wanted
            .or(() -> MigPlacementRules.firstFree(profile, placed))
            .orElseThrow(
                () ->
                    new SimRefusal(
                        NvmlReturn.INSUFFICIENT_RESOURCES,
                        "no free placement for " + profile.name() + " on " + gpu.uuid));
    MigPlacementRules.check(profile, placement, placed)
        .ifPresent(
            refusal -> {
              throw new SimRefusal(refusal.code(), refusal.reason() + " on " + gpu.uuid);
            });
    SimGpuInstance instance =
        new SimGpuInstance(
            gpu, this, MigPlacementRules.gpuInstanceId(placement), profile, placement);
    instances.put(instance.id(), instance);
    gpu.node.events().publish(gpu, Optional.empty(), EventType.MIG_CONFIG_CHANGE, 0);
    return instance;
  }

  /** GPU instances of one profile; none for a profile this GPU does not have or with MIG off. */
  List<GpuInstance> instancesOf(int profileId) {
    return instances.values().stream()
        .filter(gi -> gi.profile().id() == profileId)
        .map(gi -> (GpuInstance) gi)
        .toList();
  }

  SimGpuInstance byId(int id) {
    requireMigMode();
    SimGpuInstance instance = instances.get(id);
    if (instance == null) {
      throw new SimRefusal(NvmlReturn.NOT_FOUND, "no GPU instance " + id + " on " + gpu.uuid);
    }
    return instance;
  }

  void removed(SimGpuInstance instance) {
    instances.remove(instance.id());
    gpu.node.events().publish(gpu, Optional.empty(), EventType.MIG_CONFIG_CHANGE, 0);
  }

  /** Live compute instances in MIG device order: by GPU-instance id, then compute-instance id. */
  List<SimComputeInstance> migDevices() {
    return instances.values().stream()
        .flatMap(gi -> gi.live().stream())
        .sorted(
            Comparator.comparingInt((SimComputeInstance ci) -> ci.gpuInstance().id())
                .thenComparingInt(SimComputeInstance::id))
        .toList();
  }

  List<MigPlacementRules.Placed> placed() {
    List<MigPlacementRules.Placed> placed = new ArrayList<>();
    for (SimGpuInstance gi : instances.values()) {
      placed.add(new MigPlacementRules.Placed(gi.profile(), gi.placement()));
    }
    return placed;
  }

  /**
   * A GPU reset: every instance is gone and the pending mode becomes current. The driver reports a
   * MIG mode change or wiped instances with a MIG config-change event, as it does for a create.
   */
  void resetAndApplyPendingMode() {
    boolean changed = current != pending || !instances.isEmpty();
    for (SimGpuInstance gi : instances.values()) {
      gi.markDestroyed();
    }
    instances.clear();
    current = pending;
    if (changed) {
      gpu.node.events().publish(gpu, Optional.empty(), EventType.MIG_CONFIG_CHANGE, 0);
    }
  }

  /** NVML: creating or looking up instances while MIG mode is off answers NOT_SUPPORTED. */
  private void requireMigMode() {
    if (!current) {
      throw new SimRefusal(
          NvmlReturn.NOT_SUPPORTED,
          "MIG mode is off on "
              + gpu.uuid
              + (pending ? " (enabled after the next GPU reset)" : ""));
    }
  }
}
