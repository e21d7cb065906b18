package io.gpuagent.mig;

import io.gpuagent.nvml.GpuInstance;
import io.gpuagent.nvml.GpuInstanceProfile;
import io.gpuagent.nvml.MigMode;
import io.gpuagent.nvml.NvmlDevice;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A GPU's MIG layout as NVML reports it now: the mode (empty on a GPU without MIG) and its GPU
 * instances with profile and placement, by first memory slice.
 */
public record GpuLayout(
    int index,
    String uuid,
    String model,
    int pciDeviceId,
    Optional<MigMode> mode,
    List<MigInstance> instances) {

  public GpuLayout {
    instances = List.copyOf(instances);
  }

  public static GpuLayout read(NvmlDevice gpu) {
    Optional<MigMode> mode = gpu.migMode();
    List<MigInstance> instances = new ArrayList<>();
    if (mode.map(MigMode::current).orElse(false)) {
      Map<Integer, GpuInstanceProfile> profiles =
          gpu.gpuInstanceProfiles().stream()
              .collect(Collectors.toMap(GpuInstanceProfile::id, Function.identity(), (a, b) -> a));
      for (GpuInstanceProfile profile : profiles.values()) {
        for (GpuInstance instance : gpu.gpuInstances(profile.id())) {
          instances.add(
              new MigInstance(profile.shortName(), profile.id(), instance.info().placement()));
        }
      }
    }
    instances.sort(Comparator.comparingInt((MigInstance m) -> m.placement().start()));
    return new GpuLayout(
        gpu.index(), gpu.uuid(), gpu.name(), gpu.pciInfo().pciDeviceId(), mode, instances);
  }

  /**
   * A GPU whose layout NVML would not give (lost, MIG calls without privilege): known by its index
   * and UUID only, with no MIG mode.
   */
  public static GpuLayout unreadable(NvmlDevice gpu) {
    return new GpuLayout(gpu.index(), gpu.uuid(), "unknown", 0, Optional.empty(), List.of());
  }

  public boolean migCapable() {
    return mode.isPresent();
  }

  public boolean migEnabled() {
    return mode.map(MigMode::current).orElse(false);
  }

  /** Whether a mode change waits for a GPU reset. */
  public boolean resetPending() {
    return mode.map(m -> m.current() != m.pending()).orElse(false);
  }

  /** Profile names, sorted: two layouts with the same are the same to a user. */
  List<String> profiles() {
    return instances.stream().map(MigInstance::profile).sorted().toList();
  }
}
