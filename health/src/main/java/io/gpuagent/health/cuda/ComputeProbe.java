package io.gpuagent.health.cuda;

import static io.gpuagent.health.cuda.KernelArgument.buffer;
import static io.gpuagent.health.cuda.KernelArgument.u32;
import static io.gpuagent.health.cuda.KernelParam.POINTER;
import static io.gpuagent.health.cuda.KernelParam.U32;

import io.gpuagent.health.probe.ProbeResult;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Runs a deterministic integer/FMA kernel on every multiprocessor and checks each thread's word
 * against {@link ComputeReference}.
 */
final class ComputeProbe {

  static final String MODULE = "compute_probe";
  static final Kernel MIX = new Kernel(MODULE, "compute_mix", List.of(POINTER, U32, U32, U32));

  static final int THREADS_PER_BLOCK = 256;

  /** 512 blocks: several per multiprocessor on any GPU so far; the CPU checks every word. */
  static final int WORDS = 1 << 17;

  /** Rounds per thread; with WORDS this keeps the CPU's share near a quarter of a second. */
  static final int ROUNDS = 128;

  private ComputeProbe() {}

  static ProbeResult run(CudaContext context, ProbeTimer timer) {
    int seed = ThreadLocalRandom.current().nextInt();
    int[] gpuWords = new int[WORDS];
    try (CudaModule module = context.loadModule(MODULE);
        DeviceBuffer out = context.allocate(4L * WORDS)) {
      module.launch(
          MIX,
          WORDS / THREADS_PER_BLOCK,
          THREADS_PER_BLOCK,
          buffer(out),
          u32(WORDS),
          u32(seed),
          u32(ROUNDS));
      out.read(0, gpuWords);
    }
    Optional<ComputeReference.Mismatch> mismatch = ComputeReference.check(seed, ROUNDS, gpuWords);
    if (mismatch.isPresent()) {
      return ProbeResult.failed(timer.elapsed(), mismatchDetail(seed, mismatch.get()), 0);
    }
    return new ProbeResult(
        ProbeResult.Outcome.PASSED,
        timer.elapsed(),
        String.format(
            Locale.ROOT,
            "%d words of %d rounds agree with the CPU, seed 0x%08x",
            WORDS,
            ROUNDS,
            seed),
        0);
  }

  /**
   * E.g. {@code 2 of 131072 words differ from the CPU's (seed 0x0000002a), the first at index 7:
   * expected 0x1234abcd, got 0x1234abcf}.
   */
  static String mismatchDetail(int seed, ComputeReference.Mismatch mismatch) {
    return String.format(
        Locale.ROOT,
        "%d of %d words differ from the CPU's (seed 0x%08x), the first at index %d: expected 0x%08x,"
            + " got 0x%08x",
        mismatch.count(),
        WORDS,
        seed,
        mismatch.firstIndex(),
        mismatch.expected(),
        mismatch.actual());
  }
}
