package io.gpuagent.nvml;

import java.util.List;
import java.util.Optional;

/** A MIG GPU instance (a handle; the instance may be destroyed under it). */
public interface GpuInstance {

  GpuInstanceInfo info();

  /**
   * Compute-instance profile for one {@code NVML_COMPUTE_INSTANCE_PROFILE_*} index (0 = 1 slice, 1
   * = 2, 2 = 3, 3 = 4, 4 = 7, 5 = 8, 6 = 6); empty when it does not fit this instance.
   */
  Optional<ComputeInstanceProfile> computeInstanceProfile(int profileIndex);

  /** Creates a compute instance of profile {@code profileId}. */
  ComputeInstance createComputeInstance(int profileId);

  List<ComputeInstance> computeInstances(int profileId);

  /** Refused with IN_USE while compute instances exist or processes run on it. */
  void destroy();
}
