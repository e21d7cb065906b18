package io.gpuagent.health;

import io.gpuagent.nvml.health.HealthReason;
import java.util.List;

/**
 * Totals since the agent started, for metrics.
 *
 * @param transitions transitions by reason and direction, only those that happened
 * @param xidsIgnored XIDs on the ignore list (counted, not acted on)
 * @param doubleBitEccEvents double-bit ECC events (counted, not acted on: XIDs and counters decide)
 */
public record HealthCounters(
    List<TransitionCount> transitions, long xidsIgnored, long doubleBitEccEvents) {

  public HealthCounters {
    transitions = List.copyOf(transitions);
  }

  /**
   * @param to {@code healthy} or {@code unhealthy}
   */
  public record TransitionCount(HealthReason reason, String to, long count) {}
}
