package io.gpuagent.nvml;

import java.util.Optional;

/**
 * A compute process on a GPU ({@code nvmlProcessInfo_t}, v3). Used memory is empty where NVML
 * answers {@code NVML_VALUE_NOT_AVAILABLE} (e.g. without permission in a container). The instance
 * ids are set only on MIG-enabled GPUs.
 */
public record ProcessInfo(
    int pid,
    Optional<Long> usedMemoryBytes,
    Optional<Integer> gpuInstanceId,
    Optional<Integer> computeInstanceId) {}
