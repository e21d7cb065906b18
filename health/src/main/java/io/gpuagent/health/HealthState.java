package io.gpuagent.health;

import java.time.Instant;
import java.util.Objects;

/** A device's health: fit for new work, or not and why. */
public sealed interface HealthState {

  /** When the device entered this state. */
  Instant since();

  default boolean isHealthy() {
    return this instanceof Healthy;
  }

  /** Fit for new work. */
  record Healthy(Instant since) implements HealthState {
    public Healthy {
      Objects.requireNonNull(since, "since");
    }
  }

  /**
   * Not fit for new work.
   *
   * @param reason the latest cause, one of a small set of words
   * @param evidence what was seen, one line, e.g. {@code xid=79} or {@code 12 words differ}
   */
  record Unhealthy(HealthReason reason, String evidence, Instant since) implements HealthState {
    public Unhealthy {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(evidence, "evidence");
      Objects.requireNonNull(since, "since");
    }
  }
}
