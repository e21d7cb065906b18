package io.gpuagent.health.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where nvcc exists: compiles the kernel sources with the build's own script (nvcc, the .version
 * rewrite, ptxas at that version) and compares the result with the checked-in PTX.
 */
class PtxFreshnessTest {

  private static final String REFRESH =
      "run health/src/main/cuda/compile-ptx.sh health/src/main/resources/io/gpuagent/health/cuda";

  @Test
  void checkedInPtxIsWhatTheSourcesCompileTo(@TempDir Path out) throws Exception {
    ExternalCommand compile =
        ExternalCommand.run(
            Duration.ofMinutes(2),
            out,
            "bash",
            KernelSources.COMPILE_SCRIPT.toString(),
            out.resolve("ptx").toString());
    assertThat(compile.exitCode()).as(compile.output()).isZero();
    assumeTrue(
        Files.isDirectory(out.resolve("ptx")),
        () -> "PTX not compared with its source: " + compile.output().strip());

    for (String name : KernelSources.kernelNames()) {
      String fresh = Files.readString(out.resolve("ptx").resolve(name + ".ptx"));
      String checkedIn = Files.readString(KernelSources.CHECKED_IN_PTX_DIR.resolve(name + ".ptx"));
      Optional<String> freshCompiler = compilerLine(fresh);
      Optional<String> checkedInCompiler = compilerLine(checkedIn);
      assumeTrue(
          freshCompiler.equals(checkedInCompiler),
          () ->
              name
                  + ".ptx not compared: it was made by \""
                  + checkedInCompiler.orElse("?")
                  + "\", this nvcc is \""
                  + freshCompiler.orElse("?")
                  + "\" (PtxFilesTest still checks its source hash)");
      assertThat(firstDifference(checkedIn, fresh))
          .as("%s.ptx is stale: %s", name, REFRESH)
          .isEmpty();
    }
  }

  /** E.g. {@code line 40: checked in "add.s32 ...", compiled "sub.s32 ..."}. */
  private static Optional<String> firstDifference(String checkedIn, String fresh) {
    List<String> old = checkedIn.lines().toList();
    List<String> now = fresh.lines().toList();
    for (int i = 0; i < Math.max(old.size(), now.size()); i++) {
      String a = i < old.size() ? old.get(i) : "(end of file)";
      String b = i < now.size() ? now.get(i) : "(end of file)";
      if (!a.equals(b)) {
        return Optional.of(
            "line " + (i + 1) + ": checked in \"" + a + "\", compiled \"" + b + "\"");
      }
    }
    return Optional.empty();
  }

  /** nvcc's "// Cuda compilation tools, release 13.0, V13.0.88" line. */
  private static Optional<String> compilerLine(String ptx) {
    return ptx.lines().filter(line -> line.startsWith("// Cuda compilation tools")).findFirst();
  }
}
