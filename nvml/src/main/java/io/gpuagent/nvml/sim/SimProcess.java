package io.gpuagent.nvml.sim;

import java.util.Optional;

/** A simulated compute process: on the whole GPU, or inside one MIG compute instance. */
record SimProcess(
    int pid, long usedMemoryBytes, int smPercent, Optional<SimComputeInstance> instance) {

  /** The share of the whole GPU this process keeps busy (a MIG instance has only its slices). */
  double gpuLoad() {
    double share =
        instance.map(ci -> ci.sliceCount() / (double) MigPlacementRules.COMPUTE_SLICES).orElse(1.0);
    return smPercent / 100.0 * share;
  }
}
