package io.gpuagent.nvml.sim;

import io.gpuagent.nvml.ComputeInstanceProfile;
import io.gpuagent.nvml.NvmlReturn;
import io.gpuagent.nvml.Placement;
import io.gpuagent.nvml.mig.MigProfileTable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The rules A100 and H100 enforce when GPU and compute instances are created: 8 memory slices and 7
 * compute slices per GPU, fixed start positions per profile, no shared memory slice, at most one
 * {@code +me} instance, a per-profile instance limit. Pure functions, so the profile loader checks
 * a layout in a file with exactly the rules the simulated driver applies.
 */
final class MigPlacementRules {

  static final int MEMORY_SLICES = MigProfileTable.MEMORY_SLICES;
  static final int COMPUTE_SLICES = MigProfileTable.COMPUTE_SLICES;

  /** Compute slices of each {@code NVML_COMPUTE_INSTANCE_PROFILE_*} index (0 = 1 slice … 6 = 6). */
  private static final int[] CI_SLICES_BY_INDEX = {1, 2, 3, 4, 7, 8, 6};

  /** An instance that exists (or is asked for): its profile and where it sits. */
  record Placed(MigProfile profile, Placement placement) {}

  /** Why the hardware says no, with the code NVML answers. */
  record Refusal(NvmlReturn code, String reason) {}

  private MigPlacementRules() {}

  /**
   * Checks a new GPU instance against those that exist. A placement the profile cannot take is
   * INVALID_ARGUMENT; a valid one that collides with existing instances or exceeds a limit is
   * INSUFFICIENT_RESOURCES, as {@code nvmlDeviceCreateGpuInstanceWithPlacement} documents.
   */
  static Optional<Refusal> check(
      MigProfile profile, Placement placement, Collection<Placed> existing) {
    if (placement.size() != profile.memorySlices()
        || !profile.starts().contains(placement.start())) {
      return refuse(
          NvmlReturn.INVALID_ARGUMENT,
          "placement "
              + placement.start()
              + ":"
              + placement.size()
              + " is not one of "
              + profile.name()
              + "'s placements "
              + describe(profile.placements()));
    }
    long sameProfile = existing.stream().filter(p -> p.profile().id() == profile.id()).count();
    if (sameProfile >= profile.maxInstances()) {
      return refuse(
          NvmlReturn.INSUFFICIENT_RESOURCES,
          profile.name() + " allows at most " + profile.maxInstances() + " instance(s) per GPU");
    }
    if (profile.mediaExtensions()
        && existing.stream().anyMatch(p -> p.profile().mediaExtensions())) {
      return refuse(NvmlReturn.INSUFFICIENT_RESOURCES, "only one +me instance can exist per GPU");
    }
    for (Placed other : existing) {
      if (other.placement().overlaps(placement)) {
        return refuse(
            NvmlReturn.INSUFFICIENT_RESOURCES,
            "memory slices "
                + describe(List.of(placement))
                + " overlap "
                + other.profile().name()
                + " at "
                + describe(List.of(other.placement())));
      }
    }
    int usedCompute = existing.stream().mapToInt(p -> p.profile().computeSlices()).sum();
    if (usedCompute + profile.computeSlices() > COMPUTE_SLICES) {
      return refuse(
          NvmlReturn.INSUFFICIENT_RESOURCES,
          "needs "
              + profile.computeSlices()
              + " compute slice(s), "
              + (COMPUTE_SLICES - usedCompute)
              + " free");
    }
    return Optional.empty();
  }

  /** The first placement, in table order, where the profile fits now. */
  static Optional<Placement> firstFree(MigProfile profile, Collection<Placed> existing) {
    return profile.placements().stream()
        .filter(p -> check(profile, p, existing).isEmpty())
        .findFirst();
  }

  /**
   * The GPU-instance id the hardware gives a placement: the id of its node in the binary tree of
   * memory-slice partitions (0 = all eight, 1–2 = halves, 3–6 = quarters, 7–14 = eighths). That is
   * why real GPUs show 0 for 7g, 1–2 for 3g/4g, 3–6 for two-slice profiles and 7–13 for 1g.
   */
  static int gpuInstanceId(Placement placement) {
    int partitionsOfThisSize = MEMORY_SLICES / placement.size();
    return partitionsOfThisSize - 1 + placement.start() / placement.size();
  }

  /** Compute-instance profile {@code index} inside a GPU instance of {@code gi}; empty if none. */
  static Optional<ComputeInstanceProfile> computeProfile(MigProfile gi, int index) {
    if (index < 0 || index >= CI_SLICES_BY_INDEX.length) {
      return Optional.empty();
    }
    int slices = CI_SLICES_BY_INDEX[index];
    boolean offered = slices == gi.computeSlices() || (slices <= 4 && slices < gi.computeSlices());
    if (!offered) {
      return Optional.empty();
    }
    return Optional.of(
        new ComputeInstanceProfile(
            index,
            slices,
            gi.computeSlices() / slices,
            gi.multiprocessors() * slices / gi.computeSlices(),
            gi.copyEngines(),
            gi.decoders(),
            gi.encoders(),
            gi.jpegs(),
            gi.ofas()));
  }

  /** The compute-instance profile index that spans the whole GPU instance. */
  static int fullComputeProfileIndex(MigProfile gi) {
    for (int index = 0; index < CI_SLICES_BY_INDEX.length; index++) {
      if (CI_SLICES_BY_INDEX[index] == gi.computeSlices()) {
        return index;
      }
    }
    throw new IllegalStateException("no compute-instance profile spans " + gi.name());
  }

  /** Compute-slice placements of a compute-instance profile inside its GPU instance. */
  static List<Placement> computePlacements(MigProfile gi, ComputeInstanceProfile ci) {
    List<Placement> placements = new ArrayList<>();
    for (int start = 0; start + ci.sliceCount() <= gi.computeSlices(); start += ci.sliceCount()) {
      placements.add(new Placement(start, ci.sliceCount()));
    }
    return placements;
  }

  private static Optional<Refusal> refuse(NvmlReturn code, String reason) {
    return Optional.of(new Refusal(code, reason));
  }

  private static String describe(List<Placement> placements) {
    return placements.stream().map(p -> p.start() + ":" + p.size()).toList().toString();
  }
}
