package io.gpuagent.nvml;

/** CUDA compute capability, e.g. 9.0. */
public record ComputeCapability(int major, int minor) {
  @Override
  public String toString() {
    return major + "." + minor;
  }
}
