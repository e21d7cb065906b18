package io.gpuagent.health.cuda;

import io.gpuagent.health.probe.ProbeResult;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes patterns over part of the device's free memory and counts, on the device, the words that
 * read back wrong: walking ones at every shift, each word's own index and its complement, and
 * seeded random words.
 */
final class MemoryProbe {

  static final long MIB = 1L << 20;

  /** Without a size asked for: this much, or 5 % of free memory if that is less. */
  static final long DEFAULT_MIB = 256;

  private MemoryProbe() {}

  /**
   * How much memory to test, in whole MiB: {@code requestedMib}, or when that is 0 the default,
   * never more than 90 % of what is free (the context and other tenants need the rest).
   */
  static long bytesToTest(long requestedMib, long freeBytes) {
    long mib =
        requestedMib == 0
            ? Math.min(DEFAULT_MIB, freeBytes / 20 / MIB)
            : Math.min(requestedMib, freeBytes / 10 * 9 / MIB);
    return mib * MIB;
  }

  static ProbeResult run(CudaContext context, long requestedMib, ProbeTimer timer) {
    long free = context.freeBytes();
    long bytes = bytesToTest(requestedMib, free);
    if (bytes == 0) {
      return ProbeResult.unavailable(
          timer.elapsed(), "only " + free / MIB + " MiB of device memory free, too little to test");
    }
    int seed = ThreadLocalRandom.current().nextInt();
    List<MemoryPass> passes = MemoryPass.plan(seed);
    try (CudaModule module = context.loadModule(PatternBuffer.MODULE);
        DeviceBuffer words = context.allocate(bytes);
        DeviceBuffer counters = context.allocate(3 * Long.BYTES)) {
      PatternBuffer patterns =
          new PatternBuffer(module, words, counters, context.multiprocessors());
      for (int done = 0; done < passes.size(); done++) {
        if (timer.expired()) {
          return ProbeResult.hung(
              timer.elapsed(),
              String.format(
                  Locale.ROOT,
                  "memory probe stopped at its deadline of %d ms after %d of %d passes over %d MiB",
                  timer.deadline().toMillis(),
                  done,
                  passes.size(),
                  bytes / MIB));
        }
        MemoryPass pass = passes.get(done);
        patterns.fill(pass);
        PassTally tally = patterns.verify(pass);
        if (tally.read() != patterns.count()) {
          return ProbeResult.failed(
              timer.elapsed(),
              "verify_pattern read "
                  + tally.read()
                  + " of "
                  + patterns.count()
                  + " words after "
                  + pass.describe(),
              0);
        }
        if (tally.differing() > 0) {
          int read = patterns.word(tally.firstDiffering());
          return ProbeResult.failed(
              timer.elapsed(),
              mismatchDetail(pass, patterns.count(), tally, read),
              tally.differing());
        }
        long missed = patterns.sampleDiffering(pass);
        if (missed > 0) {
          return ProbeResult.failed(
              timer.elapsed(),
              missed
                  + " words the host read back differ from "
                  + pass.describe()
                  + " although the device counted none",
              missed);
        }
      }
    }
    return new ProbeResult(
        ProbeResult.Outcome.PASSED,
        timer.elapsed(),
        String.format(
            Locale.ROOT,
            "%d MiB in %d passes, random seed 0x%08x",
            bytes / MIB,
            passes.size(),
            seed),
        0);
  }

  /**
   * E.g. {@code 3 of 67108864 words differ after walking ones (shift 5), the first at byte offset
   * 0x1000: wrote 0x00000020, read 0x00000000}.
   */
  static String mismatchDetail(MemoryPass pass, long words, PassTally tally, int read) {
    return String.format(
        Locale.ROOT,
        "%d of %d words differ after %s, the first at byte offset 0x%x: wrote 0x%08x, read 0x%08x",
        tally.differing(),
        words,
        pass.describe(),
        4 * tally.firstDiffering(),
        pass.word(tally.firstDiffering()),
        read);
  }
}
