package io.gpuagent.nvml;

/**
 * GPU-instance profile info ({@code nvmlGpuInstanceProfileInfo_v2_t}). {@code id} is the profile id
 * used to create instances (19 = 1g, 20 = 1g+me, 15 = 1g double memory, 14 = 2g, 9 = 3g, 5 = 4g, 0
 * = 7g); {@code name} is NVML's, e.g. {@code MIG 1g.10gb}.
 */
public record GpuInstanceProfile(
    int id,
    boolean p2pSupported,
    int sliceCount,
    int instanceCount,
    int multiprocessorCount,
    int copyEngineCount,
    int decoderCount,
    int encoderCount,
    int jpegCount,
    int ofaCount,
    long memorySizeMiB,
    String name) {

  /** The profile as resource names use it: {@code 1g.10gb}, {@code 1g.10gb+me}. */
  public String shortName() {
    return name.startsWith("MIG ") ? name.substring(4) : name;
  }
}
