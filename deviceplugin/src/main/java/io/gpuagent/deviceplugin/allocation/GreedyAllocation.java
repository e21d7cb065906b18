package io.gpuagent.deviceplugin.allocation;

/**
 * The starting answer of {@link AllocationSearch}: add one device at a time, always the one that
 * adds the most to the set so far (lowest group on a tie), once from each group as the first pick;
 * the best of those runs wins. Linear in the devices added, so it is cheap even for hundreds of
 * memory slices.
 */
record GreedyAllocation(int[] taken, long value) {

  /**
   * @param score pair scores between groups, {@code score[g][g]} for two devices of one group
   * @param gain what one more device of each group adds to the required devices
   * @param optional optional devices per group
   * @param extra how many optional devices to add
   */
  static GreedyAllocation run(int[][] score, long[] gain, int[] optional, int extra) {
    GreedyAllocation best = fillFrom(-1, score, gain, optional, extra);
    for (int first = 0; first < optional.length && extra > 0; first++) {
      if (optional[first] > 0) {
        GreedyAllocation candidate = fillFrom(first, score, gain, optional, extra);
        if (candidate.value > best.value) {
          best = candidate;
        }
      }
    }
    return best;
  }

  private static GreedyAllocation fillFrom(
      int first, int[][] score, long[] startGain, int[] optional, int extra) {
    long[] gain = startGain.clone();
    int[] taken = new int[optional.length];
    long value = 0;
    for (int added = 0; added < extra; added++) {
      int pick = added == 0 && first >= 0 ? first : bestOpenGroup(gain, taken, optional);
      value += gain[pick];
      taken[pick]++;
      for (int h = 0; h < gain.length; h++) {
        gain[h] += score[pick][h];
      }
    }
    return new GreedyAllocation(taken, value);
  }

  private static int bestOpenGroup(long[] gain, int[] taken, int[] optional) {
    int pick = -1;
    for (int g = 0; g < gain.length; g++) {
      if (taken[g] < optional[g] && (pick < 0 || gain[g] > gain[pick])) {
        pick = g;
      }
    }
    return pick;
  }
}
