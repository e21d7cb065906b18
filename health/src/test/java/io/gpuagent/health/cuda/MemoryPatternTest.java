package io.gpuagent.health.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MemoryPatternTest {

  @Test
  void walkingOnesSetsOneBitThatMovesWithIndexAndShift() {
    for (int shift = 0; shift < 32; shift++) {
      for (long index = 0; index < 64; index++) {
        int word = MemoryPattern.WALKING_ONES.word(shift, index);
        assertThat(Integer.bitCount(word)).isEqualTo(1);
        assertThat(Integer.numberOfTrailingZeros(word)).isEqualTo((int) ((index + shift) % 32));
      }
    }
  }

  @Test
  void everyBitIsSetAndClearAtEveryWordAcrossTheWalkingOnesPasses() {
    int seenSet = 0;
    int seenClear = 0;
    for (MemoryPass pass : MemoryPass.plan(7)) {
      if (pass.pattern() == MemoryPattern.WALKING_ONES) {
        seenSet |= pass.word(12345);
        seenClear |= ~pass.word(12345);
      }
    }
    assertThat(seenSet).isEqualTo(-1);
    assertThat(seenClear).isEqualTo(-1);
  }

  @Test
  void ownIndexAndItsComplementAreTheLow32BitsOfTheIndex() {
    assertThat(MemoryPattern.OWN_INDEX.word(0, 12345)).isEqualTo(12345);
    assertThat(MemoryPattern.OWN_INDEX.word(0, 0x1_0000_0007L)).isEqualTo(7);
    assertThat(MemoryPattern.OWN_INDEX_INVERTED.word(0, 12345)).isEqualTo(~12345);
  }

  @Test
  void wordsMatchWhatTheKernelSourceComputesOnTheHost() {
    // printed by src/test/cuda/reference_words.cu (KernelSourceAgreementTest checks them all)
    assertThat(MemoryPattern.WALKING_ONES.word(0, 31)).isEqualTo(0x8000_0000);
    assertThat(MemoryPattern.OWN_INDEX_INVERTED.word(0, 12345)).isEqualTo((int) 4294954950L);
    assertThat(MemoryPattern.SEEDED_RANDOM.word(0, 12345)).isEqualTo((int) 2435775735L);
    assertThat(MemoryPattern.SEEDED_RANDOM.word(0xdeadbeef, 0)).isEqualTo(371025460);
    assertThat(MemoryPattern.SEEDED_RANDOM.word(0xdeadbeef, 4294967296L)).isEqualTo(1384585643);
  }

  @Test
  void randomWordsDependOnTheSeedAndOnIndexBitsAbove32() {
    List<Long> indices = List.of(0L, 1L, 1L << 32, (1L << 32) + 1);
    for (int seed : new int[] {1, 2}) {
      Set<Integer> words = new HashSet<>();
      indices.forEach(index -> words.add(MemoryPattern.SEEDED_RANDOM.word(seed, index)));
      assertThat(words).as("seed %d", seed).hasSize(indices.size());
    }
    for (long index : indices) {
      assertThat(MemoryPattern.SEEDED_RANDOM.word(1, index))
          .isNotEqualTo(MemoryPattern.SEEDED_RANDOM.word(2, index));
    }
  }

  @Test
  void planIsWalkingOnesAtEveryShiftThenOwnIndexBothWaysThenRandom() {
    List<MemoryPass> plan = MemoryPass.plan(0xabcd);
    assertThat(plan).hasSize(35);
    assertThat(plan.subList(0, 32)).allMatch(p -> p.pattern() == MemoryPattern.WALKING_ONES);
    assertThat(plan.subList(0, 32).stream().map(MemoryPass::param)).doesNotHaveDuplicates();
    assertThat(plan.subList(32, 35))
        .containsExactly(
            new MemoryPass(MemoryPattern.OWN_INDEX, 0),
            new MemoryPass(MemoryPattern.OWN_INDEX_INVERTED, 0),
            new MemoryPass(MemoryPattern.SEEDED_RANDOM, 0xabcd));
    assertThat(plan.get(34).describe()).isEqualTo("random words (seed 0x0000abcd)");
    assertThat(plan.get(5).describe()).isEqualTo("walking ones (shift 5)");
  }

  @Test
  void patternNumbersAreTheKernelsDefines() {
    // #define PATTERN_... in memory_probe.cu
    assertThat(MemoryPattern.WALKING_ONES.number()).isZero();
    assertThat(MemoryPattern.OWN_INDEX.number()).isEqualTo(1);
    assertThat(MemoryPattern.OWN_INDEX_INVERTED.number()).isEqualTo(2);
    assertThat(MemoryPattern.SEEDED_RANDOM.number()).isEqualTo(3);
  }
}
