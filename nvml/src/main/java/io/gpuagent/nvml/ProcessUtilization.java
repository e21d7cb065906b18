package io.gpuagent.nvml;

/** One per-process utilization sample ({@code nvmlProcessUtilizationSample_t}). */
public record ProcessUtilization(
    int pid,
    long timestampMicros,
    int smPercent,
    int memoryPercent,
    int encoderPercent,
    int decoderPercent) {}
