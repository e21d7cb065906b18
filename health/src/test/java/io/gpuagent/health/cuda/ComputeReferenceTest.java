package io.gpuagent.health.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ComputeReferenceTest {

  @Test
  void wordsMatchWhatTheKernelSourceComputesOnTheHost() {
    // printed by src/test/cuda/reference_words.cu (KernelSourceAgreementTest checks them all)
    assertThat(ComputeReference.word(0, 0, 0)).isEqualTo(Float.floatToRawIntBits(1.0f));
    assertThat(ComputeReference.word(0, 0, 128)).isEqualTo((int) 2635819096L);
    assertThat(ComputeReference.word(0x12345678, 1000, 128)).isEqualTo(1101133650);
    assertThat(ComputeReference.word(-1, -1, 128)).isEqualTo(1303586548);
    assertThat(ComputeReference.word(0x12345678, -1, 4096)).isEqualTo((int) 4286374548L);
  }

  @Test
  void checkFindsNothingWhenTheGpuAgrees() {
    int[] words = expected(42, 1000, ComputeProbe.ROUNDS);
    assertThat(ComputeReference.check(42, ComputeProbe.ROUNDS, words)).isEmpty();
  }

  @Test
  void checkCountsWrongWordsAndReportsTheFirst() {
    int[] words = expected(42, 1000, ComputeProbe.ROUNDS);
    int right = words[17];
    words[17] ^= 1 << 9;
    words[900] = 0;
    Optional<ComputeReference.Mismatch> mismatch =
        ComputeReference.check(42, ComputeProbe.ROUNDS, words);
    assertThat(mismatch).contains(new ComputeReference.Mismatch(2, 17, right, right ^ (1 << 9)));
    assertThat(ComputeProbe.mismatchDetail(42, mismatch.orElseThrow()))
        .isEqualTo(
            String.format(
                "2 of 131072 words differ from the CPU's (seed 0x0000002a), the first at index 17:"
                    + " expected 0x%08x, got 0x%08x",
                right, right ^ (1 << 9)));
  }

  @Test
  void floatStateStaysSmallSoNoRoundIsInfiniteOrSubnormal() {
    // the same steps as ComputeReference.word, watching the float: one that grew without bound
    // or became subnormal would invite CPU/GPU differences (flush-to-zero, overflow)
    float f = 1.0f;
    int x = 7;
    for (int r = 0; r < 100_000; r++) {
      x = x * 1664525 + 1013904223;
      x ^= x >>> 13;
      f =
          Math.fma(
              f, (float) (x >>> 16) * 0x1p-17f + 0.25f, (float) (x & 0xffff) * 0x1p-16f - 0.5f);
      x ^= Float.floatToRawIntBits(f);
      assertThat(Math.abs(f)).isLessThan(2f);
      assertThat(f == 0 || Math.abs(f) >= Float.MIN_NORMAL).isTrue();
    }
  }

  private static int[] expected(int seed, int count, int rounds) {
    int[] words = new int[count];
    for (int i = 0; i < count; i++) {
      words[i] = ComputeReference.word(seed, i, rounds);
    }
    return words;
  }
}
