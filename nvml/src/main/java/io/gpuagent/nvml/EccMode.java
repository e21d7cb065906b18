package io.gpuagent.nvml;

/** ECC on/off now, and what it will be after the next reset. */
public record EccMode(boolean current, boolean pending) {}
