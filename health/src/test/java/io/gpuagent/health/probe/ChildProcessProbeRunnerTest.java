package io.gpuagent.health.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real child processes: small sh scripts that answer, crash, babble or hang. */
class ChildProcessProbeRunnerTest {
  private static final String GPU = "GPU-0b1c2d3e-aaaa-bbbb-cccc-000000000003";

  @TempDir Path dir;
  private final ExecutorService caller =
      Executors.newSingleThreadExecutor(task -> new Thread(task, "test-probe-caller"));

  @AfterEach
  void stop() {
    caller.shutdownNow();
  }

  @Test
  void childSeesOnlyItsDeviceAndGetsTheProbeArguments() {
    String script =
        "echo 'warming up'; "
            + "echo \"{\\\"outcome\\\":\\\"PASSED\\\",\\\"durationMs\\\":7,"
            + "\\\"detail\\\":\\\"$CUDA_VISIBLE_DEVICES $*\\\"}\"";
    try (ChildProcessProbeRunner runner = sh(script)) {
      ProbeResult result = runner.run(request(ProbeKind.MEMORY, Duration.ofSeconds(10)));

      assertThat(result.outcome()).isEqualTo(ProbeResult.Outcome.PASSED);
      assertThat(result.duration()).isEqualTo(Duration.ofMillis(7));
      assertThat(result.detail())
          .isEqualTo(
              GPU + " --device " + GPU + " --kind memory --memory-mib 64 --deadline-ms 10000");
    }
  }

  @Test
  void failedResultFromTheChildIsTakenAsItSays() {
    String script =
        "echo '{\"outcome\":\"FAILED\",\"durationMs\":90,\"detail\":\"12 words differ\","
            + "\"mismatches\":12}'; exit 1";
    try (ChildProcessProbeRunner runner = sh(script)) {
      assertThat(runner.run(request(ProbeKind.MEMORY, Duration.ofSeconds(10))))
          .isEqualTo(ProbeResult.failed(Duration.ofMillis(90), "12 words differ", 12));
    }
  }

  @Test
  void hungChildIsKilledWithItsDescendantsAtTheDeadline() throws IOException {
    Path shellPid = dir.resolve("shell.pid");
    Path sleepPid = dir.resolve("sleep.pid");
    String script = "echo $$ > " + shellPid + "; sleep 1000 & echo $! > " + sleepPid + "; wait";
    Duration deadline = Duration.ofMillis(500);
    try (ChildProcessProbeRunner runner = sh(script)) {
      ProbeResult result = runner.run(request(ProbeKind.COMPUTE, deadline));

      assertThat(result.outcome()).isEqualTo(ProbeResult.Outcome.HUNG);
      assertThat(result.detail()).isEqualTo("no result within 500 ms; the probe was killed");
      assertThat(result.duration()).isGreaterThanOrEqualTo(deadline);
    }
    awaitDead(pid(shellPid), "the probe shell");
    awaitDead(pid(sleepPid), "the probe's own child");
  }

  @Test
  void dyingWithoutResultIsAnErrorWithTheLastLineOfStderr() {
    String script =
        "echo 'loading kernels' >&2; echo 'cuInit failed: CUDA_ERROR_NO_DEVICE' >&2; exit 3";
    try (ChildProcessProbeRunner runner = sh(script)) {
      ProbeResult result = runner.run(request(ProbeKind.MEMORY, Duration.ofSeconds(10)));

      assertThat(result.outcome()).isEqualTo(ProbeResult.Outcome.ERROR);
      assertThat(result.detail())
          .isEqualTo("probe exited 3 without a result: cuInit failed: CUDA_ERROR_NO_DEVICE");
    }
  }

  @Test
  void killedBySignalIsAnErrorNamingTheSignal() {
    try (ChildProcessProbeRunner runner = sh("kill -9 $$")) {
      ProbeResult result = runner.run(request(ProbeKind.MEMORY, Duration.ofSeconds(10)));

      assertThat(result.outcome()).isEqualTo(ProbeResult.Outcome.ERROR);
      assertThat(result.detail()).isEqualTo("probe killed by signal 9 without a result");
    }
  }

  @Test
  void badOutputIsAnErrorInOneLine() {
    try (ChildProcessProbeRunner runner = sh("echo '{\"outcome\":\"MAYBE\"}'")) {
      ProbeResult result = runner.run(request(ProbeKind.MEMORY, Duration.ofSeconds(10)));

      assertThat(result.outcome()).isEqualTo(ProbeResult.Outcome.ERROR);
      assertThat(result.detail())
          .isEqualTo("probe printed bad output: probe result has unknown outcome \"MAYBE\"")
          .doesNotContain("\n");
    }
    try (ChildProcessProbeRunner runner = sh("echo 'all good'")) {
      assertThat(runner.run(request(ProbeKind.MEMORY, Duration.ofSeconds(10))).detail())
          .isEqualTo("probe exited 0 without a result");
      assertThat(runner.run(request(ProbeKind.MEMORY, Duration.ofSeconds(10))).outcome())
          .isEqualTo(ProbeResult.Outcome.ERROR);
    }
  }

  @Test
  void aProbeThatCannotStartIsAnError() {
    try (ChildProcessProbeRunner runner =
        new ChildProcessProbeRunner(r -> List.of(dir.resolve("no-such-probe").toString()))) {
      ProbeResult result = runner.run(request(ProbeKind.MEMORY, Duration.ofSeconds(10)));

      assertThat(result.outcome()).isEqualTo(ProbeResult.Outcome.ERROR);
      assertThat(result.detail()).startsWith("cannot start probe " + dir.resolve("no-such-probe"));
    }
  }

  @Test
  void closingTheRunnerEndsARunningChildPromptly() throws Exception {
    Path shellPid = dir.resolve("shell.pid");
    ChildProcessProbeRunner runner = sh("echo $$ > " + shellPid + "; sleep 1000");
    Future<ProbeResult> probe =
        caller.submit(() -> runner.run(request(ProbeKind.MEMORY, Duration.ofMinutes(5))));
    Await.until("the child started", () -> Files.exists(shellPid) && size(shellPid) > 0);

    Await.returns("close during a 5-minute probe", runner::close);
    ProbeResult result = probe.get(5, TimeUnit.SECONDS);

    assertThat(result.outcome()).isEqualTo(ProbeResult.Outcome.UNAVAILABLE);
    assertThat(result.detail()).isEqualTo("probe stopped: the runner was closed");
    awaitDead(pid(shellPid), "the probe child");
    assertThat(runner.run(request(ProbeKind.MEMORY, Duration.ofSeconds(1))).detail())
        .isEqualTo("the probe runner is closed");
  }

  private ChildProcessProbeRunner sh(String script) {
    return new ChildProcessProbeRunner(
        ProbeCommand.withArguments(List.of("sh", "-c", script, "probe")));
  }

  private static ProbeRequest request(ProbeKind kind, Duration deadline) {
    return new ProbeRequest(GPU, kind, 64, deadline);
  }

  private static long pid(Path file) throws IOException {
    return Long.parseLong(Files.readString(file).strip());
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }

  private static void awaitDead(long pid, String what) {
    Await.until(
        what + " (pid " + pid + ") is gone",
        () -> ProcessHandle.of(pid).map(handle -> !handle.isAlive()).orElse(true));
  }
}
