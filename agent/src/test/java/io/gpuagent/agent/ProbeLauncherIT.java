package io.gpuagent.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.health.probe.ProbeKind;
import io.gpuagent.health.probe.ProbeRequest;
import io.gpuagent.health.probe.ProbeResult;
import io.gpuagent.health.probe.ProbeRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The real probe path: a child JVM running {@code gpu-agent probe --json}, as on a node. */
@Timeout(120)
class ProbeLauncherIT {

  @Test
  void childProbeWithoutACudaDriverIsUnavailableNotFailed() throws Exception {
    // Where a driver is installed the probe would really run: this test is about its absence.
    boolean driverPresent =
        Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libcuda.so.1"))
            || Files.exists(Path.of("/usr/lib64/libcuda.so.1"));
    org.junit.jupiter.api.Assumptions.assumeFalse(
        driverPresent, "libcuda.so.1 is installed here: the no-driver path cannot be shown");

    try (ProbeRunner runner = ProbeLauncher.runner(Optional.empty())) {
      ProbeResult result =
          runner.run(
              new ProbeRequest(
                  "GPU-00000000-0000-4000-8000-000000000000",
                  ProbeKind.MEMORY,
                  0,
                  Duration.ofSeconds(60)));

      assertThat(result.outcome()).isEqualTo(ProbeResult.Outcome.UNAVAILABLE);
      assertThat(result.detail()).isEqualTo("CUDA driver not available");
    }
  }
}
