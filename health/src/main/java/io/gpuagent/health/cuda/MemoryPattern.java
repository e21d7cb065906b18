package io.gpuagent.health.cuda;

/**
 * What the memory probe writes into each 32-bit word. Mirrors {@code pattern_word} in
 * src/main/cuda/memory_probe.cu word for word (the ordinal is the kernel's pattern number); the
 * host uses it to check samples of the device buffer and to say what a bad word should have held.
 */
enum MemoryPattern {
  /** One bit set, moving with the index: stuck-at and coupled bits. */
  WALKING_ONES,
  /** Each word holds its own index: address lines that alias two words. */
  OWN_INDEX,
  /** The complement of the index, so every bit is also tested at the opposite value. */
  OWN_INDEX_INVERTED,
  /** A hash of index and seed: data-dependent faults that regular patterns miss. */
  SEEDED_RANDOM;

  /** The kernel's pattern number. */
  int number() {
    return ordinal();
  }

  /**
   * The word at {@code index}.
   *
   * @param param walking ones: the shift; seeded random: the seed; otherwise unused
   * @param index the word's index in the buffer (unsigned)
   */
  int word(int param, long index) {
    int low = (int) index;
    int high = (int) (index >>> 32);
    return switch (this) {
      case WALKING_ONES -> 1 << ((low + param) & 31);
      case OWN_INDEX -> low;
      case OWN_INDEX_INVERTED -> ~low;
      case SEEDED_RANDOM -> mix32(low ^ mix32(param + high));
    };
  }

  /** The "lowbias32" integer hash, as the kernel's {@code mix32}. */
  static int mix32(int x) {
    x ^= x >>> 16;
    x *= 0x7feb352d;
    x ^= x >>> 15;
    x *= 0x846ca68b;
    x ^= x >>> 16;
    return x;
  }
}
