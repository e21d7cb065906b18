package io.gpuagent.nvml.sim;

import java.time.Clock;
import java.util.Objects;

/**
 * How a simulated node is made: its node name and seed (both feed the UUIDs, serials and the
 * synthetic load, so the same profile, seed and node name always give the same node) and the clock
 * every time-dependent value is a function of.
 */
public record SimOptions(String nodeName, long seed, Clock clock) {

  public SimOptions {
    Objects.requireNonNull(nodeName, "nodeName");
    Objects.requireNonNull(clock, "clock");
    if (nodeName.isBlank()) {
      throw new IllegalArgumentException("nodeName must not be blank");
    }
  }

  /** Node {@code sim-node}, seed 1, the system clock. */
  public static SimOptions defaults() {
    return new SimOptions("sim-node", 1, Clock.systemUTC());
  }

  public SimOptions withNodeName(String name) {
    return new SimOptions(name, seed, clock);
  }

  public SimOptions withSeed(long newSeed) {
    return new SimOptions(nodeName, newSeed, clock);
  }

  public SimOptions withClock(Clock newClock) {
    return new SimOptions(nodeName, seed, newClock);
  }
}
