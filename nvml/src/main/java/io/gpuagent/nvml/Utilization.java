package io.gpuagent.nvml;

/** Percent of the last sample period the GPU was busy, and memory was read or written. */
public record Utilization(int gpuPercent, int memoryPercent) {}
