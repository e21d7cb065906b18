package io.gpuagent.nvml;

/** MIG mode now, and what it will be after the next GPU reset. */
public record MigMode(boolean current, boolean pending) {}
