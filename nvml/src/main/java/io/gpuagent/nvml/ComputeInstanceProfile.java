package io.gpuagent.nvml;

/** Compute-instance profile info ({@code nvmlComputeInstanceProfileInfo_t}). */
public record ComputeInstanceProfile(
    int id,
    int sliceCount,
    int instanceCount,
    int multiprocessorCount,
    int sharedCopyEngineCount,
    int sharedDecoderCount,
    int sharedEncoderCount,
    int sharedJpegCount,
    int sharedOfaCount) {}
