package io.gpuagent.deviceplugin.allocation;

import java.util.List;

/**
 * Picks how many optional devices to take from each GPU so that the chosen set (required devices
 * included) has the largest total pairwise score. Branch and bound over the groups in GPU index
 * order, taking more devices from a lower-index GPU first; only a strictly better set replaces the
 * one found first, so among equally good sets the answer takes the most from the lowest-index GPUs.
 *
 * <p>Exact whenever the search ends within {@link #NODE_BUDGET} nodes, which it always does for up
 * to 16 optional devices: its tree is no larger than the subset tree of those devices (2^17 - 1
 * nodes). Beyond that (MIG devices or memory slices of many GPUs) it starts from a greedy answer
 * and stops at the budget with the best set seen, so the time stays bounded and the answer is never
 * worse than greedy.
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
  /** {@code bestPartnerFrom[f][g]}: the best score of a device of group g with another device of
   * groups f.. (itself included when it has two). */
  private final int[][] bestPartnerFrom;
  private final long[] gain;
  private final int[] taken;
  private final long[] potential;
  private final int[] byPotential;
  private int[] best;
  private long bestValue;
  private boolean searchFoundBest;
  private long nodes;

  private AllocationSearch(GpuTopology topology, List<DeviceGroup> groups) {
    groupCount = groups.size();
    score = new int[groupCount][groupCount];
    optional = new int[groupCount];
    gain = new long[groupCount];
    taken = new int[groupCount];
    potential = new long[groupCount];
    byPotential = new int[groupCount];
    for (int g = 0; g < groupCount; g++) {
      optional[g] = groups.get(g).optional();
      for (int h = 0; h < groupCount; h++) {
        score[g][h] = topology.score(groups.get(g).gpuPosition(), groups.get(h).gpuPosition());
        gain[g] += (long) groups.get(h).required() * score[g][h];
      }
    }
    optionalFrom = new int[groupCount + 1];
    for (int g = groupCount - 1; g >= 0; g--) {
      optionalFrom[g] = optionalFrom[g + 1] + optional[g];
    }
    bestPartnerFrom = new int[groupCount + 1][groupCount];
    for (int from = groupCount - 1; from >= 0; from--) {
      int[] partner = bestPartnerFrom[from];
      System.arraycopy(bestPartnerFrom[from + 1], 0, partner, 0, groupCount);
      if (optional[from] >= 2) {
        partner[from] = score[from][from];
      }
      for (int g = from + 1; g < groupCount && optional[from] > 0; g++) {
        if (optional[g] > 0) {
          partner[g] = Math.max(partner[g], score[g][from]);
          partner[from] = Math.max(partner[from], score[from][g]);
        }
      }
    }
  }

  /**
   * The optional devices to take from each group so that {@code extra} are taken in all.
   *
   * @param extra how many optional devices to add: 0 ≤ extra ≤ the optional devices in all groups
   */
  static Result run(GpuTopology topology, List<DeviceGroup> groups, int extra) {
    AllocationSearch search = new AllocationSearch(topology, groups);
    if (extra < 0 || extra > search.optionalFrom[0]) {
      throw new IllegalArgumentException(
          "cannot add " + extra + " of " + search.optionalFrom[0] + " optional devices");
    }
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
   * What adding {@code left} devices from groups {@code from..} can add at most. Each new device
   * brings its gain against the devices already chosen, and half of each pair it forms with the
   * other new devices, a pair being worth at most the device's best partner still open; the sum of
   * the {@code left} largest such potentials bounds the total.
   */
  private long upperBound(int from, int left) {
    int candidates = 0;
    for (int g = from; g < groupCount; g++) {
      if (optional[g] > 0) {
        // Doubled to stay in integers: 2 * gain + (left - 1) * best partner.
        potential[g] = 2 * gain[g] + (long) (left - 1) * bestPartnerFrom[from][g];
        int at = candidates++;
        while (at > 0 && potential[byPotential[at - 1]] < potential[g]) {
          byPotential[at] = byPotential[at - 1];
          at--;
        }
        byPotential[at] = g;
      }
    }
    long doubled = 0;
    int remaining = left;
    for (int i = 0; i < candidates && remaining > 0; i++) {
      int count = Math.min(optional[byPotential[i]], remaining);
      doubled += count * potential[byPotential[i]];
      remaining -= count;
    }
    return doubled / 2;
  }
}
