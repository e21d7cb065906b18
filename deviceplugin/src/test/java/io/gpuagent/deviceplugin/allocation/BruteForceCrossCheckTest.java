package io.gpuagent.deviceplugin.allocation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The allocator's answer is the brute-force optimum, ties broken by GPU index, then by ID. */
class BruteForceCrossCheckTest {

  @Test
  void answerIsTheBestSetOnRandomTopologiesOfUpToTenDevices() {
    Random random = new Random(4_774);
    for (int round = 0; round < 3_000; round++) {
      SyntheticNode node = SyntheticNode.random(random, 8, 10);

      assertThat(node.choose()).as("%s", node).isEqualTo(bruteForce(node));
    }
  }

  @Test
  void answerIsTheBestSetWithSixteenDevices() {
    Random random = new Random(16);
    for (int round = 0; round < 40; round++) {
      SyntheticNode node = SyntheticNode.random(random, 16, 16);

      assertThat(node.choose()).as("%s", node).isEqualTo(bruteForce(node));
    }
  }

  /** Every subset of the available devices; the best one, the first in device order on a tie. */
  private static List<String> bruteForce(SyntheticNode node) {
    List<String> available = node.available();
    Comparator<List<String>> earlier = lexicographic(node.deviceOrder());
    List<String> best = null;
    long bestValue = -1;
    for (int mask = 0; mask < 1 << available.size(); mask++) {
      if (Integer.bitCount(mask) != node.size()) {
        continue;
      }
      List<String> set = new ArrayList<>();
      for (int i = 0; i < available.size(); i++) {
        if ((mask & 1 << i) != 0) {
          set.add(available.get(i));
        }
      }
      if (!set.containsAll(node.mustInclude())) {
        continue;
      }
      set.sort(node.deviceOrder());
      long value = node.value(set);
      if (value > bestValue || value == bestValue && earlier.compare(set, best) < 0) {
        best = set;
        bestValue = value;
      }
    }
    return best;
  }

  private static Comparator<List<String>> lexicographic(Comparator<String> order) {
    return (a, b) -> {
      for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
        int c = order.compare(a.get(i), b.get(i));
        if (c != 0) {
          return c;
        }
      }
      return Integer.compare(a.size(), b.size());
    };
  }
}
