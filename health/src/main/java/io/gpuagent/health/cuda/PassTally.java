package io.gpuagent.health.cuda;

/**
 * What {@code verify_pattern} counted on the device for one pass.
 *
 * @param differing words that did not hold the pattern
 * @param read words the kernel read (all of them, unless the launch went wrong)
 * @param firstDiffering index of the lowest differing word; meaningless when none differ
 */
record PassTally(long differing, long read, long firstDiffering) {

  /** The three counters as the kernel leaves them. */
  static PassTally of(long[] counters) {
    return new PassTally(counters[0], counters[1], counters[2]);
  }

  /** What the host writes before the kernel runs: nothing counted, no first index yet. */
  static long[] initialCounters() {
    return new long[] {0, 0, -1};
  }
}
