package io.gpuagent.nvml.sim;

import io.gpuagent.nvml.ComputeInstance;
import io.gpuagent.nvml.ComputeInstanceProfile;
import io.gpuagent.nvml.GpuInstance;
import io.gpuagent.nvml.GpuInstanceInfo;
import io.gpuagent.nvml.MigMode;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.NvmlException;
import io.gpuagent.nvml.NvmlReturn;
import io.gpuagent.nvml.Placement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What an operator running {@code nvidia-smi mig} or {@code nvidia-mig-parted} does to one GPU,
 * through the facade and so through the simulator's own MIG rules: set the mode (and reset the GPU
 * when it changed), destroy every compute and GPU instance, create the wanted GPU instances in the
 * order given, each with one compute instance spanning it. All of it runs under the node's lock, so
 * a reader sees the layout before or after, never half of it; a refusal midway puts the old layout
 * back. Every step raises the MIG config-change events a driver would.
 */
final class SimMigOperator {
  /** {@code NVML_COMPUTE_INSTANCE_PROFILE_*} indices run 0..7. */
  private static final int COMPUTE_PROFILE_INDEX_COUNT = 8;

  private final SimulatedNode node;
  private final SimGpu gpu;
  private final NvmlDevice device;
  private final GpuModel.MigSpec table;

  /** One GPU instance to create: its profile, and where and with what compute instances. */
  private record Instance(int profileId, Optional<Placement> placement, List<Integer> ciProfiles) {}

  private record Layout(boolean enabled, List<Instance> instances) {}

  SimMigOperator(SimulatedNode node, SimGpu gpu) {
    this.node = node;
    this.gpu = gpu;
    this.device = gpu.handle;
    this.table =
        gpu.model
            .mig()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "GPU " + gpu.uuid + " (" + gpu.model.name() + ") does not support MIG"));
  }

  /**
   * Applies the layout; caller holds the node's lock.
   *
   * @throws IllegalArgumentException for a layout the GPU refuses (the old one is back)
   * @throws NvmlException IN_USE while compute processes run, GPU_IS_LOST on a lost GPU
   */
  void apply(boolean enabled, List<String> profileNames) {
    if (!enabled && !profileNames.isEmpty()) {
      throw new IllegalArgumentException("MIG instances need migEnabled: true");
    }
    List<Instance> wanted = new ArrayList<>();
    for (String name : profileNames) {
      MigProfile profile =
          table
              .byName(name)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "no MIG profile "
                              + name
                              + " on "
                              + gpu.model.name()
                              + "; profiles: "
                              + table.profiles().stream().map(MigProfile::name).toList()));
      wanted.add(new Instance(profile.id(), Optional.empty(), List.of()));
    }
    Layout old = current();
    if (!gpu.processes().isEmpty()) {
      throw SimCalls.error(
          "nvidia-smi mig", NvmlReturn.IN_USE, "compute processes run on " + gpu.uuid);
    }
    try {
      build(new Layout(enabled, wanted));
    } catch (NvmlException e) {
      restore(old, e);
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private Layout current() {
    boolean enabled = device.migMode().map(MigMode::current).orElse(false);
    if (!enabled) {
      return new Layout(false, List.of());
    }
    List<Instance> instances = new ArrayList<>();
    for (GpuInstance gi : device.allGpuInstances()) {
      GpuInstanceInfo info = gi.info();
      List<Integer> ciProfiles = new ArrayList<>();
      for (ComputeInstance ci : computeInstances(gi)) {
        ciProfiles.add(ci.info().profileId());
      }
      instances.add(new Instance(info.profileId(), Optional.of(info.placement()), ciProfiles));
    }
    return new Layout(true, instances);
  }

  private void build(Layout layout) {
    destroyAll();
    MigMode mode = device.migMode().orElseThrow();
    // A pending mode left by an earlier request is overwritten too, as nvidia-smi -mig does.
    if ((mode.current() != layout.enabled() || mode.pending() != layout.enabled())
        && device.setMigMode(layout.enabled()) == NvmlReturn.RESET_REQUIRED) {
      node.resetGpuLocked(gpu);
    }
    for (Instance wanted : layout.instances()) {
      GpuInstance gi =
          wanted.placement().isPresent()
              ? device.createGpuInstance(wanted.profileId(), wanted.placement().get())
              : device.createGpuInstance(wanted.profileId());
      if (wanted.ciProfiles().isEmpty()) {
        gi.createComputeInstance(fullComputeProfile(gi).id());
      } else {
        wanted.ciProfiles().forEach(gi::createComputeInstance);
      }
    }
  }

  private void restore(Layout old, NvmlException cause) {
    try {
      build(old);
    } catch (RuntimeException e) {
      IllegalStateException failed =
          new IllegalStateException(
              "could not put back the MIG layout of "
                  + gpu.uuid
                  + " after "
                  + cause.getMessage()
                  + ": "
                  + e.getMessage(),
              e);
      failed.addSuppressed(cause);
      throw failed;
    }
  }

  private void destroyAll() {
    if (!device.migMode().map(MigMode::current).orElse(false)) {
      return;
    }
    for (GpuInstance gi : device.allGpuInstances()) {
      computeInstances(gi).forEach(ComputeInstance::destroy);
      gi.destroy();
    }
  }

  private static List<ComputeInstance> computeInstances(GpuInstance gi) {
    List<ComputeInstance> all = new ArrayList<>();
    for (int index = 0; index < COMPUTE_PROFILE_INDEX_COUNT; index++) {
      gi.computeInstanceProfile(index).ifPresent(p -> all.addAll(gi.computeInstances(p.id())));
    }
    all.sort(Comparator.comparingInt(ci -> ci.info().id()));
    return all;
  }

  /** The compute-instance profile that spans the whole GPU instance. */
  private static ComputeInstanceProfile fullComputeProfile(GpuInstance gi) {
    ComputeInstanceProfile widest = null;
    for (int index = 0; index < COMPUTE_PROFILE_INDEX_COUNT; index++) {
      Optional<ComputeInstanceProfile> profile = gi.computeInstanceProfile(index);
      if (profile.isPresent()
          && (widest == null || profile.get().sliceCount() > widest.sliceCount())) {
        widest = profile.get();
      }
    }
    if (widest == null) {
      throw new IllegalStateException(
          "GPU instance " + gi.info().id() + " offers no compute profile");
    }
    return widest;
  }
}
