package io.gpuagent.health;

import io.gpuagent.nvml.health.HealthReason;
import io.gpuagent.nvml.health.HealthState;
import java.util.Objects;

/**
 * One change of a device's health: healthy to unhealthy, back, or a new reason while unhealthy.
 *
 * @param deviceUuid a GPU or MIG device UUID
 * @param evidence what made the change, one line (an XID, a count, a probe result, passes)
 */
public record HealthTransition(
    String deviceUuid, HealthState from, HealthState to, String evidence) {

  public HealthTransition {
    Objects.requireNonNull(deviceUuid, "deviceUuid");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(evidence, "evidence");
  }

  /**
   * The reason this transition is about: the new one when turning unhealthy, the one recovered from
   * when turning healthy.
   */
  public HealthReason reason() {
    if (to instanceof HealthState.Unhealthy bad) {
      return bad.reason();
    }
    return ((HealthState.Unhealthy) from).reason();
  }
}
