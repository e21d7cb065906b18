package io.gpuagent.exporter;

import java.util.Objects;

/**
 * Whether a device is fit for work, and why not (or why it is, e.g. {@code passed-probe}). {@code
 * reason} becomes the {@code reason} label of {@code gpu_agent_device_health}: keep it to a small
 * set of words, not free text.
 */
public record DeviceHealth(boolean healthy, String reason) {
  public DeviceHealth {
    Objects.requireNonNull(reason, "reason");
  }

  /** Healthy, with no reason to give. */
  public static DeviceHealth ok() {
    return new DeviceHealth(true, "");
  }

  public static DeviceHealth unhealthy(String reason) {
    return new DeviceHealth(false, reason);
  }
}
