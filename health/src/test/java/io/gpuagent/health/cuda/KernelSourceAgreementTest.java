package io.gpuagent.health.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where nvcc exists: builds src/test/cuda/reference_words.cu, which runs the kernels' own word
 * functions on the host, and checks that MemoryPattern and ComputeReference give the same words.
 */
class KernelSourceAgreementTest {

  @Test
  void javaComputesTheWordsTheKernelSourcesDo(@TempDir Path work) throws Exception {
    assumeTrue(
        ExternalCommand.onPath("nvcc", work),
        "nvcc not on PATH: the kernel sources are not run on the host (the golden values in"
            + " MemoryPatternTest and ComputeReferenceTest still are checked)");
    Path program = work.resolve("reference_words");
    ExternalCommand build =
        ExternalCommand.run(
            Duration.ofMinutes(2),
            work,
            "nvcc",
            "-arch=sm_75",
            "-fmad=false",
            "-o",
            program.toString(),
            KernelSources.REFERENCE_PROGRAM.toString());
    assertThat(build.exitCode()).as(build.output()).isZero();
    ExternalCommand words = ExternalCommand.run(Duration.ofSeconds(30), work, program.toString());
    assertThat(words.exitCode()).as(words.output()).isZero();

    List<String> lines = words.output().lines().toList();
    assertThat(lines).hasSizeGreaterThan(200);
    for (String line : lines) {
      String[] f = line.split(" ");
      switch (f[0]) {
        case "memory" -> {
          MemoryPattern pattern = MemoryPattern.values()[Integer.parseInt(f[1])];
          int param = Integer.parseUnsignedInt(f[2]);
          long index = Long.parseUnsignedLong(f[3]);
          assertThat(Integer.toUnsignedString(pattern.word(param, index))).as(line).isEqualTo(f[4]);
        }
        case "compute" -> {
          int seed = Integer.parseUnsignedInt(f[1]);
          int index = Integer.parseUnsignedInt(f[2]);
          int rounds = Integer.parseUnsignedInt(f[3]);
          assertThat(Integer.toUnsignedString(ComputeReference.word(seed, index, rounds)))
              .as(line)
              .isEqualTo(f[4]);
        }
        default -> throw new AssertionError("unexpected line from reference_words: " + line);
      }
    }
  }
}
