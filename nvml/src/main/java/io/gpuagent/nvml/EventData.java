package io.gpuagent.nvml;

import java.util.Optional;

/**
 * One event from an {@link EventSet} ({@code nvmlEventData_t}). For XID events {@code data} is the
 * XID. The instance ids are present when the event belongs to one MIG instance; NVML marks "not
 * applicable" with 0xFFFFFFFF.
 */
public record EventData(
    NvmlDevice device,
    EventType type,
    long data,
    Optional<Integer> gpuInstanceId,
    Optional<Integer> computeInstanceId) {}
