package io.gpuagent.mig;

import io.gpuagent.nvml.Placement;

/** One GPU instance of a layout: its profile (name and NVML profile id) and where it sits. */
public record MigInstance(String profile, int profileId, Placement placement) {

  /** {@code 1g.10gb@3:1}: profile, first memory slice, slices. */
  @Override
  public String toString() {
    return profile + "@" + placement.start() + ":" + placement.size();
  }
}
