package io.gpuagent.mig;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/** What one apply of a layout did, GPU by GPU. */
public record ApplyReport(String layout, List<GpuOutcome> gpus, Duration took, Instant finished) {

  public ApplyReport {
    gpus = List.copyOf(gpus);
  }

  /** Every GPU is in the layout (changed, unchanged or not selected by it). */
  public boolean success() {
    return gpus.stream().allMatch(gpu -> gpu.outcome().success());
  }

  /** One line: each GPU that did not make it, with its reason; empty on success. */
  public String reason() {
    return gpus.stream()
        .filter(gpu -> !gpu.outcome().success())
        .map(gpu -> "GPU " + gpu.index() + " " + gpu.outcome().word() + ": " + gpu.reason())
        .collect(Collectors.joining("; "));
  }

  /** The layout's state as NVIDIA's mig-manager names it, plus {@code pending-reset}. */
  public MigState state() {
    if (success()) {
      return MigState.SUCCESS;
    }
    boolean onlyWaiting =
        gpus.stream()
            .allMatch(
                gpu ->
                    gpu.outcome().success() || gpu.outcome() == GpuOutcome.Outcome.PENDING_RESET);
    return onlyWaiting ? MigState.PENDING_RESET : MigState.FAILED;
  }
}
