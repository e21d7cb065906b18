package io.gpuagent.health.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One fill-and-verify pass of the memory probe.
 *
 * @param pattern what is written
 * @param param the pattern's parameter (walking-ones shift or random seed)
 */
record MemoryPass(MemoryPattern pattern, int param) {

  /**
   * The passes of one memory probe: walking ones at all 32 shifts, each word's own index and its
   * complement, then seeded random words.
   */
  static List<MemoryPass> plan(int seed) {
    List<MemoryPass> passes = new ArrayList<>();
    for (int shift = 0; shift < 32; shift++) {
      passes.add(new MemoryPass(MemoryPattern.WALKING_ONES, shift));
    }
    passes.add(new MemoryPass(MemoryPattern.OWN_INDEX, 0));
    passes.add(new MemoryPass(MemoryPattern.OWN_INDEX_INVERTED, 0));
    passes.add(new MemoryPass(MemoryPattern.SEEDED_RANDOM, seed));
    return List.copyOf(passes);
  }

  int word(long index) {
    return pattern.word(param, index);
  }

  /** For details: {@code walking ones (shift 5)}, {@code random words (seed 0x0000abcd)}. */
  String describe() {
    return switch (pattern) {
      case WALKING_ONES -> "walking ones (shift " + param + ")";
      case OWN_INDEX -> "own index";
      case OWN_INDEX_INVERTED -> "inverted own index";
      case SEEDED_RANDOM -> String.format(Locale.ROOT, "random words (seed 0x%08x)", param);
    };
  }
}
