package io.gpuagent.podresources;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Which containers hold which device IDs (GPU UUIDs, MIG UUIDs, memory-slice IDs {@code GPU-…::n}),
 * as of one podresources {@code List} call. Immutable.
 */
public record PodAssignments(Map<String, List<ContainerRef>> byDeviceId, Instant refreshedAt) {
  public static final PodAssignments NONE = new PodAssignments(Map.of(), Instant.EPOCH);

  public PodAssignments {
    byDeviceId = Map.copyOf(byDeviceId);
  }

  /** The containers holding {@code deviceId}; empty when none (or when unknown). */
  public List<ContainerRef> holders(String deviceId) {
    return byDeviceId.getOrDefault(deviceId, List.of());
  }
}
