package io.gpuagent.nvml;

/** A MIG compute instance inside a {@link GpuInstance}. */
public interface ComputeInstance {

  ComputeInstanceInfo info();

  /** Refused with IN_USE while processes run on it. */
  void destroy();
}
