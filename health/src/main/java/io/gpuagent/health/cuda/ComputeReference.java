package io.gpuagent.health.cuda;

import java.util.Optional;

/**
 * The compute probe's answer, worked out on the CPU: {@code compute_word} of
 * src/main/cuda/compute_probe.cu in Java. Integer steps wrap like unsigned 32-bit C arithmetic;
 * each float step is exact or one IEEE rounding ({@link Math#fma}), so the GPU must agree bit for
 * bit.
 */
final class ComputeReference {

  private ComputeReference() {}

  /**
   * The word thread {@code index} writes, for {@code rounds} rounds (unsigned) from {@code seed}.
   */
  static int word(int seed, int index, int rounds) {
    int x = seed ^ (index * 0x9e3779b9);
    float f = 1.0f;
    for (int r = 0; Integer.compareUnsigned(r, rounds) < 0; r++) {
      x = x * 1664525 + 1013904223;
      x ^= x >>> 13;
      float a = (float) (x >>> 16) * 0x1p-17f + 0.25f;
      float b = (float) (x & 0xffff) * 0x1p-16f - 0.5f;
      f = Math.fma(f, a, b);
      x ^= Float.floatToRawIntBits(f);
    }
    return x * 0x85ebca6b ^ Float.floatToRawIntBits(f);
  }

  /**
   * Words the GPU got wrong.
   *
   * @param count how many differ
   * @param firstIndex the lowest index that differs
   * @param expected what the CPU computed there
   * @param actual what the GPU wrote there
   */
  record Mismatch(long count, int firstIndex, int expected, int actual) {}

  /** Compares the GPU's words, one per thread index, with the CPU's. */
  static Optional<Mismatch> check(int seed, int rounds, int[] gpuWords) {
    long count = 0;
    Mismatch first = null;
    for (int i = 0; i < gpuWords.length; i++) {
      int expected = word(seed, i, rounds);
      if (gpuWords[i] != expected) {
        count++;
        if (first == null) {
          first = new Mismatch(1, i, expected, gpuWords[i]);
        }
      }
    }
    if (first == null) {
      return Optional.empty();
    }
    return Optional.of(new Mismatch(count, first.firstIndex(), first.expected(), first.actual()));
  }
}
