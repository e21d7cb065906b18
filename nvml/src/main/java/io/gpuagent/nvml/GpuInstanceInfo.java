package io.gpuagent.nvml;

/** {@code nvmlGpuInstanceInfo_t} without the device handle. */
public record GpuInstanceInfo(int id, int profileId, Placement placement) {}
