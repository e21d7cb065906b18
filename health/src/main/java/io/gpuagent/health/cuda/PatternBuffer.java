package io.gpuagent.health.cuda;

import static io.gpuagent.health.cuda.KernelArgument.buffer;
import static io.gpuagent.health.cuda.KernelArgument.u32;
import static io.gpuagent.health.cuda.KernelArgument.u64;
import static io.gpuagent.health.cuda.KernelParam.POINTER;
import static io.gpuagent.health.cuda.KernelParam.U32;
import static io.gpuagent.health.cuda.KernelParam.U64;

import java.util.List;

/**
 * Device memory that the memory probe fills with a pattern and verifies, both on the device. Does
 * not own the module or buffers it is given.
 */
final class PatternBuffer {

  static final String MODULE = "memory_probe";
  static final Kernel FILL = new Kernel(MODULE, "fill_pattern", List.of(POINTER, U64, U32, U32));
  static final Kernel VERIFY =
      new Kernel(MODULE, "verify_pattern", List.of(POINTER, U64, U32, U32, POINTER));

  static final int THREADS_PER_BLOCK = 256;

  /** Enough blocks per multiprocessor to hide memory latency; each thread strides on. */
  static final int BLOCKS_PER_MULTIPROCESSOR = 8;

  /** Words at each end of the buffer that the host also checks against {@link MemoryPattern}. */
  static final int SAMPLE_WORDS = 4096;

  private final CudaModule module;
  private final DeviceBuffer words;
  private final DeviceBuffer counters;
  private final long count;
  private final int blocks;

  /**
   * @param module the {@code memory_probe} module
   * @param words the memory under test, a whole number of 32-bit words
   * @param counters three 64-bit counters for {@code verify_pattern}
   */
  PatternBuffer(CudaModule module, DeviceBuffer words, DeviceBuffer counters, int multiprocessors) {
    if (words.bytes() % 4 != 0 || counters.bytes() < 24) {
      throw new IllegalArgumentException("pattern buffer needs whole words and three counters");
    }
    this.module = module;
    this.words = words;
    this.counters = counters;
    this.count = words.bytes() / 4;
    this.blocks = blocks(count, multiprocessors);
  }

  /** Blocks for a grid-stride loop over {@code count} words: no more than there are words for. */
  static int blocks(long count, int multiprocessors) {
    long needed = (count + THREADS_PER_BLOCK - 1) / THREADS_PER_BLOCK;
    long wanted = (long) Math.max(1, multiprocessors) * BLOCKS_PER_MULTIPROCESSOR;
    return (int) Math.max(1, Math.min(needed, wanted));
  }

  long count() {
    return count;
  }

  void fill(MemoryPass pass) {
    module.launch(
        FILL,
        blocks,
        THREADS_PER_BLOCK,
        buffer(words),
        u64(count),
        u32(pass.pattern().number()),
        u32(pass.param()));
  }

  PassTally verify(MemoryPass pass) {
    counters.write(PassTally.initialCounters());
    module.launch(
        VERIFY,
        blocks,
        THREADS_PER_BLOCK,
        buffer(words),
        u64(count),
        u32(pass.pattern().number()),
        u32(pass.param()),
        buffer(counters));
    long[] read = new long[3];
    counters.read(read);
    return PassTally.of(read);
  }

  /** The word at {@code index} as the device holds it now. */
  int word(long index) {
    int[] one = new int[1];
    words.read(4 * index, one);
    return one[0];
  }

  /**
   * Words at the start and end of the buffer that differ from {@code pass} when read by the host: a
   * check of the device's own check, which could agree with a wrong fill.
   */
  long sampleDiffering(MemoryPass pass) {
    int head = (int) Math.min(SAMPLE_WORDS, count);
    long tailStart = Math.max(head, count - SAMPLE_WORDS);
    return differing(pass, 0, head) + differing(pass, tailStart, (int) (count - tailStart));
  }

  private long differing(MemoryPass pass, long start, int length) {
    if (length == 0) {
      return 0;
    }
    int[] sample = new int[length];
    words.read(4 * start, sample);
    long differing = 0;
    for (int i = 0; i < length; i++) {
      if (sample[i] != pass.word(start + i)) {
        differing++;
      }
    }
    return differing;
  }
}
