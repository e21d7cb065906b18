package io.gpuagent.nvml;

/** {@code nvmlComputeInstanceInfo_t} without the handles. */
public record ComputeInstanceInfo(int id, int profileId, int gpuInstanceId, Placement placement) {}
