package io.gpuagent.mig;

import java.util.List;
import java.util.Optional;

/**
 * What {@code GET /api/v1/mig} shows: the file, the selected layout and its state, each GPU's
 * layout now with the outcome of the last apply, and the last error.
 */
public record MigStatus(
    Optional<String> configFile,
    Optional<String> selected,
    Optional<MigState> state,
    Optional<String> lastError,
    Optional<ApplyReport> lastApply,
    List<GpuLayout> gpus) {

  public MigStatus {
    gpus = List.copyOf(gpus);
  }

  /** The last apply's outcome for the GPU at {@code index}, if it had one. */
  public Optional<GpuOutcome> outcome(int index) {
    return lastApply.flatMap(
        report -> report.gpus().stream().filter(gpu -> gpu.index() == index).findFirst());
  }
}
