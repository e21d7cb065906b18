package io.gpuagent.deviceplugin.allocation;

import java.util.Arrays;
import java.util.List;

/**
 * Picks how many optional devices to take from each GPU so that the chosen set (required devices
 * included) has the largest total pairwise score. Branch and bound over the groups in GPU index
 * order, taking more devices from a lower-index GPU first; only a strictly better set replaces the
 * one found first, so among equally good sets the answer takes the most from the lowest-index GPUs.
 *
 * <p>Exact whenever the search ends within {@link #NODE_BUDGET} nodes, which it always does for up
 * to 16 optional devices: its tree is no larger than the subset tree of those devices (2^17 - 1
 * nodes). Beyond that it usually still ends (devices of one GPU are counted, not enumerated, and
 * the bound knows how many pairs can fall within one GPU), e.g. for any request on 8 GPUs of 7 MIG
 * devices or of 80 memory slices each in simulated NVSwitch scores; where it does not, it stops at
 * the budget with the best set seen, never worse than the greedy answer it starts from, so the time
 * stays bounded.
 */
final class AllocationSearch {

  /** Visits at most this many search nodes: twice the subset tree of 16 devices. */
  static final long NODE_BUDGET = 1L << 18;

  /** Optional devices taken per group, and whether the search proved the set optimal. */
  record Result(int[] taken, long value, boolean exact) {}

  private final int groupCount;
  private final int[][] score;
  private final int[] optional;
  private final int[] optionalFrom;

  /** The best score between two different groups among groups {@code f..} with devices left. */
  private final int[] bestCrossPairFrom;

  /**
   * {@code sameGpuPairsFrom[f][n]}: the most pairs within one GPU that {@code n} devices of groups
   * {@code f..} can form, reached by filling the largest groups first.
   */
  private final long[][] sameGpuPairsFrom;

  private final long[] gain;
  private final int[] taken;
  private final int[] byGain;
  private int[] best;
  private long bestValue;
  private boolean searchFoundBest;
  private long nodes;

  private AllocationSearch(GpuTopology topology, List<DeviceGroup> groups, int extra) {
    groupCount = groups.size();
    score = new int[groupCount][groupCount];
    optional = new int[groupCount];
    gain = new long[groupCount];
    taken = new int[groupCount];
    byGain = new int[groupCount];
    for (int g = 0; g < groupCount; g++) {
      optional[g] = groups.get(g).optional();
      for (int h = 0; h < groupCount; h++) {
        score[g][h] = topology.score(groups.get(g).gpuPosition(), groups.get(h).gpuPosition());
        gain[g] += (long) groups.get(h).required() * score[g][h];
      }
    }
    optionalFrom = new int[groupCount + 1];
    bestCrossPairFrom = new int[groupCount + 1];
    for (int g = groupCount - 1; g >= 0; g--) {
      optionalFrom[g] = optionalFrom[g + 1] + optional[g];
      bestCrossPairFrom[g] = bestCrossPairFrom[g + 1];
      for (int h = g + 1; h < groupCount && optional[g] > 0; h++) {
        if (optional[h] > 0) {
          bestCrossPairFrom[g] = Math.max(bestCrossPairFrom[g], score[g][h]);
        }
      }
    }
    sameGpuPairsFrom = new long[groupCount + 1][];
    for (int from = 0; from <= groupCount; from++) {
      sameGpuPairsFrom[from] = sameGpuPairs(from, Math.min(extra, optionalFrom[from]));
    }
  }

  private long[] sameGpuPairs(int from, int most) {
    int[] sizes = new int[groupCount - from];
    for (int g = from; g < groupCount; g++) {
      sizes[g - from] = optional[g];
    }
    Arrays.sort(sizes);
    long[] pairs = new long[most + 1];
    int group = sizes.length - 1;
    int inGroup = 0;
    for (int n = 1; n <= most; n++) {
      while (inGroup == sizes[group]) {
        group--;
        inGroup = 0;
      }
      pairs[n] = pairs[n - 1] + inGroup;
      inGroup++;
    }
    return pairs;
  }

  /**
   * The optional devices to take from each group so that {@code extra} are taken in all.
   *
   * @param extra how many optional devices to add: 0 ≤ extra ≤ the optional devices in all groups
   */
  static Result run(GpuTopology topology, List<DeviceGroup> groups, int extra) {
    int optionalDevices = groups.stream().mapToInt(DeviceGroup::optional).sum();
    if (extra < 0 || extra > optionalDevices) {
      throw new IllegalArgumentException(
          "cannot add " + extra + " of " + optionalDevices + " optional devices");
    }
    AllocationSearch search = new AllocationSearch(topology, groups, extra);
    search.startFromGreedy(extra);
    search.descend(0, extra, 0);
    return new Result(search.best, search.bestValue, search.nodes <= NODE_BUDGET);
  }

  /** Values here leave out the pairs among required devices: they are in every answer alike. */
  private void startFromGreedy(int extra) {
    GreedyAllocation greedy = GreedyAllocation.run(score, gain, optional, extra);
    best = greedy.taken();
    bestValue = greedy.value();
  }

  private void descend(int group, int left, long value) {
    nodes++;
    if (left == 0) {
      if (value > bestValue || value == bestValue && !searchFoundBest) {
        best = taken.clone();
        bestValue = value;
        searchFoundBest = true;
      }
      return;
    }
    if (nodes > NODE_BUDGET || !canBeatBest(value + upperBound(group, left))) {
      return;
    }
    int most = Math.min(optional[group], left);
    int least = Math.max(0, left - optionalFrom[group + 1]);
    for (int count = most; count >= least && nodes <= NODE_BUDGET; count--) {
      long added = count * gain[group] + (long) count * (count - 1) / 2 * score[group][group];
      shiftGains(group, count);
      taken[group] = count;
      descend(group + 1, left - count, value + added);
      shiftGains(group, -count);
    }
    taken[group] = 0;
  }

  private boolean canBeatBest(long bound) {
    return bound > bestValue || bound == bestValue && !searchFoundBest;
  }

  private void shiftGains(int group, int count) {
    for (int h = group + 1; h < groupCount; h++) {
      gain[h] += (long) count * score[group][h];
    }
  }

  /**
   * What adding {@code left} devices from groups {@code from..} can add at most: each new device
   * brings its gain against the devices already chosen (the largest gains first); of the pairs
   * among new devices, at most {@code sameGpuPairsFrom} lie within one GPU, the rest score at most
   * the best pair across GPUs.
   */
  private long upperBound(int from, int left) {
    int candidates = 0;
    for (int g = from; g < groupCount; g++) {
      if (optional[g] > 0) {
        int at = candidates++;
        while (at > 0 && gain[byGain[at - 1]] < gain[g]) {
          byGain[at] = byGain[at - 1];
          at--;
        }
        byGain[at] = g;
      }
    }
    long sameGpu = sameGpuPairsFrom[from][left];
    long bound =
        sameGpu * PairScore.SAME_GPU
            + ((long) left * (left - 1) / 2 - sameGpu) * bestCrossPairFrom[from];
    int remaining = left;
    for (int i = 0; i < candidates && remaining > 0; i++) {
      int count = Math.min(optional[byGain[i]], remaining);
      bound += count * gain[byGain[i]];
      remaining -= count;
    }
    return bound;
  }
}
