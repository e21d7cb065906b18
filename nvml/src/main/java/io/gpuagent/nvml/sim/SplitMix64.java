package io.gpuagent.nvml.sim;

/**
 * SplitMix64's finalizer: spreads every bit of {@code z} over the result. The simulator's
 * deterministic noise and its stable ids both end in it.
 */
final class SplitMix64 {
  private SplitMix64() {}

  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
