package io.gpuagent.nvml.mig;

import io.gpuagent.nvml.GpuInstanceProfile;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.Placement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The MIG GPU-instance profiles of one GPU model. A100 and H100 have 8 memory slices and 7 compute
 * slices (REFERENCE.md, NVIDIA's MIG user guide).
 *
 * @param model the GPU's NVML name, e.g. {@code NVIDIA A100-SXM4-80GB}
 */
public record MigProfileTable(String model, List<MigProfileSpec> profiles) {
  public static final int MEMORY_SLICES = 8;
  public static final int COMPUTE_SLICES = 7;

  public MigProfileTable {
    profiles = List.copyOf(profiles);
  }

  public Optional<MigProfileSpec> byName(String name) {
    return profiles.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /** The model as people write it: {@code A100-SXM4-80GB}, without the vendor. */
  public String shortModel() {
    return model.startsWith("NVIDIA ") ? model.substring(7) : model;
  }

  /**
   * The table NVML reports for a GPU in MIG mode ({@code nvmlDeviceGetGpuInstanceProfileInfoV} and
   * {@code nvmlDeviceGetGpuInstancePossiblePlacements_v2}); empty while MIG mode is off, when NVML
   * lists no profiles.
   */
  public static Optional<MigProfileTable> fromNvml(NvmlDevice gpu) {
    List<MigProfileSpec> specs = new ArrayList<>();
    for (GpuInstanceProfile profile : gpu.gpuInstanceProfiles()) {
      List<Placement> placements = gpu.gpuInstancePossiblePlacements(profile.id());
      specs.add(
          new MigProfileSpec(
              profile.id(),
              profile.shortName(),
              profile.sliceCount(),
              placements.isEmpty() ? 0 : placements.get(0).size(),
              profile.instanceCount(),
              profile.memorySizeMiB(),
              placements.stream().map(Placement::start).toList()));
    }
    return specs.isEmpty() ? Optional.empty() : Optional.of(new MigProfileTable(gpu.name(), specs));
  }
}
