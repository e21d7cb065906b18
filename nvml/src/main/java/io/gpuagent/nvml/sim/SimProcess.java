package io.gpuagent.nvml.sim;

import java.util.Optional;

/**
 * A simulated compute process: on the whole GPU, or inside one MIG compute instance. A background
 * process is the profile's synthetic job: it holds memory, and its load is the workload's wave, not
 * its {@code smPercent}. One that ignores SIGTERM ends only on SIGKILL (or when its fault is
 * cleared).
 */
record SimProcess(
    int pid,
    long usedMemoryBytes,
    int smPercent,
    Optional<SimComputeInstance> instance,
    boolean background,
    boolean ignoresSigterm) {

  /** A process started through the fault API: it adds its own load and obeys SIGTERM. */
  SimProcess(int pid, long usedMemoryBytes, int smPercent, Optional<SimComputeInstance> instance) {
    this(pid, usedMemoryBytes, smPercent, instance, false, false);
  }

  /** The share of the whole GPU this process keeps busy (a MIG instance has only its slices). */
  double gpuLoad() {
    if (background) {
      return 0;
    }
    double share =
        instance.map(ci -> ci.sliceCount() / (double) MigPlacementRules.COMPUTE_SLICES).orElse(1.0);
    return smPercent / 100.0 * share;
  }
}
