package io.gpuagent.nvml.sim;

import io.gpuagent.nvml.ComputeInstance;
import io.gpuagent.nvml.ComputeInstanceProfile;
import io.gpuagent.nvml.EventType;
import io.gpuagent.nvml.GpuInstance;
import io.gpuagent.nvml.GpuInstanceInfo;
import io.gpuagent.nvml.MemoryInfo;
import io.gpuagent.nvml.NvmlReturn;
import io.gpuagent.nvml.Placement;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * A simulated MIG GPU instance, and the handle on it. Its compute slices are shared out to compute
 * instances without oversubscription; once destroyed (or wiped by a GPU reset) the handle answers
 * INVALID_ARGUMENT, as NVML does for a stale instance handle.
 */
final class SimGpuInstance implements GpuInstance {
  private final SimGpu gpu;
  private final MigLayout layout;
  private final int id;
  private final MigProfile profile;
  private final Placement placement;
  private final TreeMap<Integer, SimComputeInstance> computeInstances = new TreeMap<>();
  private boolean destroyed;

  SimGpuInstance(SimGpu gpu, MigLayout layout, int id, MigProfile profile, Placement placement) {
    this.gpu = gpu;
    this.layout = layout;
    this.id = id;
    this.profile = profile;
    this.placement = placement;
  }

  int id() {
    return id;
  }

  MigProfile profile() {
    return profile;
  }

  Placement placement() {
    return placement;
  }

  SimGpu gpu() {
    return gpu;
  }

  /** The instance's own memory, shared by its compute instances; the driver reserves none of it. */
  MemoryInfo memory() {
    long total = profile.memoryMiB() << 20;
    long used = gpu.usedBy(gpu.processesIn(this));
    return new MemoryInfo(total, 0, total - used, used);
  }

  Collection<SimComputeInstance> live() {
    return List.copyOf(computeInstances.values());
  }

  @Override
  public GpuInstanceInfo info() {
    return call("nvmlGpuInstanceGetInfo", () -> new GpuInstanceInfo(id, profile.id(), placement));
  }

  @Override
  public Optional<ComputeInstanceProfile> computeInstanceProfile(int profileIndex) {
    return call(
        "nvmlGpuInstanceGetComputeInstanceProfileInfoV",
        () -> MigPlacementRules.computeProfile(profile, profileIndex));
  }

  @Override
  public ComputeInstance createComputeInstance(int profileId) {
    return call("nvmlGpuInstanceCreateComputeInstance", () -> create(profileId));
  }

  /** Creates a compute instance at the first free compute slices; also used for profile layouts. */
  SimComputeInstance create(int profileId) {
    ComputeInstanceProfile ci =
        MigPlacementRules.computeProfile(profile, profileId)
            .orElseThrow(
                () ->
                    new SimRefusal(
                        NvmlReturn.NOT_SUPPORTED,
                        "compute-instance profile "
                            + profileId
                            + " does not fit GPU instance "
                            + id
                            + " ("
                            + profile.name()
                            + ")"));
    long sameProfile =
        computeInstances.values().stream().filter(c -> c.profile().id() == profileId).count();
    BitSet used = new BitSet();
    computeInstances
        .values()
        .forEach(
            c -> used.set(c.placement().start(), c.placement().start() + c.placement().size()));
    Placement free =
        MigPlacementRules.computePlacements(profile, ci).stream()
            .filter(p -> used.get(p.start(), p.start() + p.size()).isEmpty())
            .findFirst()
            .filter(p -> sameProfile < ci.instanceCount())
            .orElseThrow(
                () ->
                    new SimRefusal(
                        NvmlReturn.INSUFFICIENT_RESOURCES,
                        "GPU instance "
                            + id
                            + " has no "
                            + ci.sliceCount()
                            + " free compute slice(s) left"));
    int ciId = 0;
    while (computeInstances.containsKey(ciId)) {
      ciId++;
    }
    String uuid = gpu.node.identity().migUuid(gpu.index, id, ciId);
    SimComputeInstance created = new SimComputeInstance(this, ciId, ci, free, uuid);
    computeInstances.put(ciId, created);
    gpu.node.events().publish(gpu, Optional.empty(), EventType.MIG_CONFIG_CHANGE, 0);
    return created;
  }

  @Override
  public List<ComputeInstance> computeInstances(int profileId) {
    return call(
        "nvmlGpuInstanceGetComputeInstances",
        () ->
            computeInstances.values().stream()
                .filter(c -> c.profile().id() == profileId)
                .map(c -> (ComputeInstance) c)
                .toList());
  }

  @Override
  public void destroy() {
    call(
        "nvmlGpuInstanceDestroy",
        () -> {
          if (!computeInstances.isEmpty() || !gpu.processesIn(this).isEmpty()) {
            throw new SimRefusal(
                NvmlReturn.IN_USE,
                "GPU instance "
                    + id
                    + " on "
                    + gpu.uuid
                    + " still has "
                    + computeInstances.size()
                    + " compute instance(s)");
          }
          markDestroyed();
          layout.removed(this);
          return null;
        });
  }

  void removed(SimComputeInstance ci) {
    computeInstances.remove(ci.id());
    gpu.node.forgetDevice(ci.uuid());
    gpu.node.events().publish(gpu, Optional.empty(), EventType.MIG_CONFIG_CHANGE, 0);
  }

  void markDestroyed() {
    destroyed = true;
    for (SimComputeInstance ci : computeInstances.values()) {
      ci.markDestroyed();
      gpu.node.forgetDevice(ci.uuid());
    }
    computeInstances.clear();
  }

  private <T> T call(String function, Supplier<T> body) {
    return gpu.node.call(
        function,
        gpu,
        Optional.empty(),
        () -> {
          if (destroyed) {
            throw new SimRefusal(
                NvmlReturn.INVALID_ARGUMENT,
                "GPU instance " + id + " on " + gpu.uuid + " was destroyed");
          }
          return body.get();
        });
  }
}
