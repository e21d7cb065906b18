package io.gpuagent.nvml.sim;

import io.gpuagent.nvml.GpuInstanceProfile;
import io.gpuagent.nvml.Placement;
import io.gpuagent.nvml.mig.MigProfileSpec;
import java.util.List;

/**
 * One row of a GPU model's MIG GPU-instance profile table, as {@code nvidia-smi mig -lgip} and
 * {@code -lgipp} print it. {@code index} is the {@code NVML_GPU_INSTANCE_PROFILE_*} index, {@code
 * id} the profile id used to create instances; {@code starts} are the memory-slice positions an
 * instance may begin at, each spanning {@code memorySlices}.
 */
record MigProfile(
    int index,
    int id,
    String name,
    int computeSlices,
    int memorySlices,
    long memoryMiB,
    int multiprocessors,
    int maxInstances,
    List<Integer> starts,
    int copyEngines,
    int decoders,
    int encoders,
    int jpegs,
    int ofas) {

  MigProfile {
    starts = List.copyOf(starts);
  }

  /** {@code +me} profiles own the GPU's media engines (JPEG, OFA); only one can exist per GPU. */
  boolean mediaExtensions() {
    return name.endsWith("+me");
  }

  List<Placement> placements() {
    return starts.stream().map(start -> new Placement(start, memorySlices)).toList();
  }

  GpuInstanceProfile info() {
    return new GpuInstanceProfile(
        id,
        false,
        computeSlices,
        maxInstances,
        multiprocessors,
        copyEngines,
        decoders,
        encoders,
        jpegs,
        ofas,
        memoryMiB,
        "MIG " + name);
  }

  /** The row as the MIG planner reads profile tables. */
  MigProfileSpec spec() {
    return new MigProfileSpec(
        id, name, computeSlices, memorySlices, maxInstances, memoryMiB, starts);
  }
}
