package io.gpuagent.nvml.inventory;

import io.gpuagent.nvml.Placement;

/**
 * One MIG device (a compute instance inside a GPU instance). {@code profile} is the name users
 * know, e.g. {@code 3g.40gb}, or {@code 1c.3g.40gb} when the compute instance is smaller than its
 * GPU instance.
 */
public record MigDevice(
    int index,
    String uuid,
    String profile,
    int gpuInstanceProfileId,
    int gpuInstanceId,
    int computeInstanceId,
    Placement placement,
    long memoryTotalBytes) {}
