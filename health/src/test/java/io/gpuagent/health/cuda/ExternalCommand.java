package io.gpuagent.health.cuda;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a build tool (bash, nvcc) from a test, with a deadline, capturing what it prints. */
record ExternalCommand(int exitCode, String output) {

  static ExternalCommand run(Duration deadline, Path workDir, String... command)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile(workDir, "command", ".log");
    Process process =
        new ProcessBuilder(List.of(command))
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(String.join(" ", command) + " did not finish within " + deadline);
      }
      return new ExternalCommand(
          process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      process.destroyForcibly();
      Files.deleteIfExists(log);
    }
  }

  /** True when {@code tool} is on the PATH the tests run with. */
  static boolean onPath(String tool, Path workDir) throws IOException, InterruptedException {
    return run(Duration.ofSeconds(10), workDir, "bash", "-c", "command -v " + tool).exitCode() == 0;
  }
}
