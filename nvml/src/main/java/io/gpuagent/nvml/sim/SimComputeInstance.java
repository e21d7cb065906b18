package io.gpuagent.nvml.sim;

import io.gpuagent.nvml.ComputeInstance;
import io.gpuagent.nvml.ComputeInstanceInfo;
import io.gpuagent.nvml.ComputeInstanceProfile;
import io.gpuagent.nvml.NvmlReturn;
import io.gpuagent.nvml.Placement;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A simulated MIG compute instance, and the handle on it. Each one is a MIG device with its own
 * {@code MIG-…} UUID; a destroyed one answers INVALID_ARGUMENT, as NVML does for a stale handle.
 */
final class SimComputeInstance implements ComputeInstance {
  private final SimGpuInstance gpuInstance;
  private final int id;
  private final ComputeInstanceProfile profile;
  private final Placement placement;
  private final String uuid;
  private boolean destroyed;

  SimComputeInstance(
      SimGpuInstance gpuInstance,
      int id,
      ComputeInstanceProfile profile,
      Placement placement,
      String uuid) {
    this.gpuInstance = gpuInstance;
    this.id = id;
    this.profile = profile;
    this.placement = placement;
    this.uuid = uuid;
  }

  SimGpuInstance gpuInstance() {
    return gpuInstance;
  }

  SimGpu gpu() {
    return gpuInstance.gpu();
  }

  int id() {
    return id;
  }

  ComputeInstanceProfile profile() {
    return profile;
  }

  Placement placement() {
    return placement;
  }

  String uuid() {
    return uuid;
  }

  int sliceCount() {
    return profile.sliceCount();
  }

  boolean destroyed() {
    return destroyed;
  }

  void markDestroyed() {
    destroyed = true;
  }

  /**
   * NVML's MIG device name: the parent's name and the profile, with the compute-instance size in
   * front when it does not span the whole GPU instance ({@code MIG 1c.3g.40gb}).
   */
  String migDeviceName() {
    MigProfile gi = gpuInstance.profile();
    String prefix = profile.sliceCount() == gi.computeSlices() ? "" : profile.sliceCount() + "c.";
    return gpu().model.name() + " MIG " + prefix + gi.name();
  }

  @Override
  public ComputeInstanceInfo info() {
    return call(
        "nvmlComputeInstanceGetInfo_v2",
        () -> new ComputeInstanceInfo(id, profile.id(), gpuInstance.id(), placement));
  }

  @Override
  public void destroy() {
    call(
        "nvmlComputeInstanceDestroy",
        () -> {
          if (!gpu().processesIn(this).isEmpty()) {
            throw new SimRefusal(NvmlReturn.IN_USE, "processes run on MIG device " + uuid);
          }
          destroyed = true;
          gpuInstance.removed(this);
          return null;
        });
  }

  private <T> T call(String function, Supplier<T> body) {
    return gpu()
        .node
        .call(
            function,
            gpu(),
            Optional.empty(),
            () -> {
              if (destroyed) {
                throw new SimRefusal(
                    NvmlReturn.INVALID_ARGUMENT,
                    "compute instance "
                        + id
                        + " of GPU instance "
                        + gpuInstance.id()
                        + " was destroyed");
              }
              return body.get();
            });
  }
}
