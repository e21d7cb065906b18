package io.gpuagent.health.probe;

import java.time.Duration;
import java.util.Objects;

/**
 * One probe to run.
 *
 * @param deviceUuid a GPU UUID ({@code GPU-...}) or a MIG device UUID ({@code MIG-...}); the child
 *     sees only this device (CUDA_VISIBLE_DEVICES)
 * @param kind what to exercise
 * @param memoryMib how much device memory a memory test writes and reads back
 * @param deadline how long the probe may run before it is killed and counted as hung
 */
public record ProbeRequest(String deviceUuid, ProbeKind kind, long memoryMib, Duration deadline) {

  public ProbeRequest {
    Objects.requireNonNull(deviceUuid, "deviceUuid");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(deadline, "deadline");
    if (deviceUuid.isBlank()) {
      throw new IllegalArgumentException("probe needs a device UUID");
    }
    if (memoryMib < 0) {
      throw new IllegalArgumentException("probe memory must be >= 0 MiB, got " + memoryMib);
    }
    if (deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("probe deadline must be positive, got " + deadline);
    }
  }
}
