package io.gpuagent.mig.label;

import java.time.Duration;

/**
 * How long to wait before trying the Kubernetes API again: doubling from {@code first} up to {@code
 * max}, so an API server that is down for an hour sees one request a minute, not a flood.
 */
public record Backoff(Duration first, Duration max) {
  public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(1));

  public Backoff {
    if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
      throw new IllegalArgumentException("back-off needs 0 < first <= max: " + first + ", " + max);
    }
  }

  /** The wait after {@code failures} failures in a row (1 for the first failure). */
  public Duration after(int failures) {
    Duration delay = first;
    for (int i = 1; i < failures && delay.compareTo(max) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    return delay.compareTo(max) < 0 ? delay : max;
  }
}
