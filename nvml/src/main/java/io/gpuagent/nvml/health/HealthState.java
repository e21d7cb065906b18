package io.gpuagent.nvml.health;

import java.time.Instant;
import java.util.Objects;

/**
 * A device's health verdict: fit for new work, or not and why. The {@code health} module is the
 * only place that decides it; the device plugin (ListAndWatch, Allocate), the exporter ({@code
 * gpu_agent_device_health}) and the HTTP API read it as published, a map from GPU or MIG UUID to
 * state.
 */
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

    // Written out: the record's own are method handles the JVM generates classes for at the first
    // call, and every health round compares verdicts.
    @Override
    public boolean equals(Object other) {
      return other instanceof Healthy healthy && since.equals(healthy.since);
    }

    @Override
    public int hashCode() {
      return since.hashCode();
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
