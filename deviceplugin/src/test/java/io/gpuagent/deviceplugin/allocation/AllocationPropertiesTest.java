package io.gpuagent.deviceplugin.allocation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What every answer must be, on random nodes far larger than brute force can check. */
class AllocationPropertiesTest {

  @Test
  void answerHoldsExactlySizeDistinctAvailableIdsWithEveryMustInclude() {
    Random random = new Random(774);
    for (int round = 0; round < 3_000; round++) {
      SyntheticNode node = SyntheticNode.random(random, 16, 48);

      List<String> answer = node.choose();

      assertThat(answer)
          .as("%s", node)
          .hasSize(node.size())
          .doesNotHaveDuplicates()
          .isSubsetOf(node.available())
          .containsAll(node.mustInclude())
          .isSortedAccordingTo(node.deviceOrder());
    }
  }

  @Test
  void answerDoesNotDependOnTheOrderOfTheRequest() {
    Random random = new Random(1_774);
    for (int round = 0; round < 500; round++) {
      SyntheticNode node = SyntheticNode.random(random, 16, 48);
      List<String> available = new ArrayList<>(node.available());
      List<String> mustInclude = new ArrayList<>(node.mustInclude());
      Collections.shuffle(available, random);
      Collections.shuffle(mustInclude, random);

      assertThat(node.allocator().choose(available, mustInclude, node.size()))
          .as("%s", node)
          .isEqualTo(node.choose());
    }
  }

  @Test
  void duplicateIdsInTheRequestCountOnce() {
    Random random = new Random(2_774);
    for (int round = 0; round < 200; round++) {
      SyntheticNode node = SyntheticNode.random(random, 8, 16);
      List<String> doubled = new ArrayList<>(node.available());
      doubled.addAll(node.available());

      assertThat(node.allocator().choose(doubled, node.mustInclude(), node.size()))
          .as("%s", node)
          .isEqualTo(node.choose());
    }
  }
}
