package io.gpuagent.nvml;

/** Where an instance sits: first memory slice and the number of slices it spans. */
public record Placement(int start, int size) {
  public boolean overlaps(Placement other) {
    return start < other.start + other.size && other.start < start + size;
  }
}
