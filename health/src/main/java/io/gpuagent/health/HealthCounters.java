package io.gpuagent.health;

import java.util.List;

/**
 * Totals since the agent started, for metrics.
 *
 * @param transitions transitions by reason and direction, only those that happened
 * @param xidsIgnored XIDs on the ignore list (counted, not acted on)
 */
public record HealthCounters(List<TransitionCount> transitions, long xidsIgnored) {

  public HealthCounters {
    transitions = List.copyOf(transitions);
  }

  /**
   * @param to {@code healthy} or {@code unhealthy}
   */
  public record TransitionCount(HealthReason reason, String to, long count) {}
}
