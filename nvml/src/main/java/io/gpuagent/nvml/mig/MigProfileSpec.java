package io.gpuagent.nvml.mig;

import io.gpuagent.nvml.Placement;
import java.util.List;

/**
 * One GPU-instance profile of a GPU model, as {@code nvidia-smi mig -lgip} and {@code -lgipp} show
 * it: the profile id used to create instances, its name ({@code 1g.10gb}, {@code 1g.10gb+me}),
 * compute and memory slices, the most instances a GPU holds, and the memory-slice positions an
 * instance may start at.
 */
public record MigProfileSpec(
    int id,
    String name,
    int computeSlices,
    int memorySlices,
    int maxInstances,
    long memoryMiB,
    List<Integer> starts) {

  public MigProfileSpec {
    starts = List.copyOf(starts);
  }

  /** {@code +me} profiles own the GPU's media engines; only one can exist per GPU. */
  public boolean mediaExtensions() {
    return name.endsWith("+me");
  }

  public List<Placement> placements() {
    return starts.stream().map(start -> new Placement(start, memorySlices)).toList();
  }
}
