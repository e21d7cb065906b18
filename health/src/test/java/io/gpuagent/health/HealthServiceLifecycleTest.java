package io.gpuagent.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpuagent.health.probe.ChildProcessProbeRunner;
import io.gpuagent.health.probe.ProbeCommand;
import io.gpuagent.health.probe.ProbeResult;
import io.gpuagent.nvml.health.HealthReason;
import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.sim.SimFault;
import io.gpuagent.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service as the agent runs it: its own loop, named threads, a prompt close. */
class HealthServiceLifecycleTest {
  @TempDir Path dir;
  private SimHealth sim;
  private final ExecutorService caller =
      Executors.newSingleThreadExecutor(task -> new Thread(task, "test-probe-caller"));

  @AfterEach
  void stop() {
    caller.shutdownNow();
    if (sim != null) {
      sim.close();
    }
  }

  @Test
  void theLoopPollsAndProbesEveryDeviceAndAHungOneTurnsUnhealthy() {
    HealthConfig config =
        SimHealth.CONFIG
            .withInterval(Duration.ofMillis(50))
            .withProbeMode(ProbeMode.ALWAYS)
            .withProbeInterval(Duration.ofHours(1));
    sim = new SimHealth("h100x8", config);
    String hung = sim.gpu(5).uuid();
    sim.node.inject(hung, new SimFault.HungKernel());
    sim.node.inject(sim.gpu(2).uuid(), new SimFault.RowRemapPending());
    List<HealthTransition> seen = new CopyOnWriteArrayList<>();
    sim.health.addListener(seen::add);

    sim.health.start();
    Await.until("the first cycle ran", () -> !sim.health.scheduler().dueTimes().isEmpty());
    sim.clock.advance(Duration.ofHours(1)); // every device due

    Await.until("the hung GPU unhealthy", () -> sim.reason(hung).isPresent());
    assertThat(sim.reason(hung)).contains(HealthReason.PROBE_HUNG);
    Await.until(
        "every GPU probed",
        () ->
            sim.inventory().gpus().stream()
                .allMatch(g -> sim.view(g.uuid()).lastProbe().isPresent()));
    for (Gpu gpu : sim.inventory().gpus()) {
      if (!gpu.uuid().equals(hung)) {
        assertThat(sim.view(gpu.uuid()).lastProbe().orElseThrow().result().outcome())
            .isEqualTo(ProbeResult.Outcome.PASSED);
      }
    }
    assertThat(sim.reason(sim.gpu(2).uuid())).contains(HealthReason.ROW_REMAP_PENDING);
    Await.until("both transitions told", () -> seen.size() == 2);
    assertThat(threadAlive("gpu-agent-health")).isTrue();
    assertThat(threadAlive("gpu-agent-health-listeners")).isTrue();
    assertThatThrownBy(sim.health::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the health service is already started");
  }

  @Test
  void closeDuringAChildProbeKillsTheChildPromptly() throws Exception {
    Path pidFile = dir.resolve("probe.pid");
    String script = "echo $$ > " + pidFile + "; sleep 1000";
    sim =
        new SimHealth(
            "h100x8",
            SimHealth.CONFIG.withProbeDeadline(Duration.ofMinutes(5)),
            node ->
                new ChildProcessProbeRunner(
                    ProbeCommand.withArguments(List.of("sh", "-c", script, "probe"))));
    String gpu = sim.gpu(1).uuid();
    Future<ProbeResult> probe = caller.submit(() -> sim.health.probeNow(gpu));
    Await.until("the probe child started", () -> size(pidFile) > 0);
    long pid = Long.parseLong(Files.readString(pidFile).strip());

    // the probe's deadline is 5 minutes: close must not wait for it
    Await.returns("close during a running probe", sim.health::close);
    assertThat(probe.get(5, TimeUnit.SECONDS).outcome()).isEqualTo(ProbeResult.Outcome.UNAVAILABLE);
    Await.until(
        "the probe child is gone",
        () -> ProcessHandle.of(pid).map(handle -> !handle.isAlive()).orElse(true));
    assertThat(sim.healthy(gpu)).as("a probe cut short by shutdown blames nobody").isTrue();
  }

  @Test
  void closeEndsTheLoopAndAHungSimulatedProbe() {
    HealthConfig config =
        SimHealth.CONFIG
            .withInterval(Duration.ofMillis(20))
            .withProbeMode(ProbeMode.ALWAYS)
            .withProbeDeadline(Duration.ofMinutes(5));
    sim = new SimHealth("h100x8", config);
    sim.node.inject(sim.gpu(0).uuid(), new SimFault.HungKernel());
    sim.health.start();
    Await.until("GPU 0's probe hangs", () -> sim.health.scheduler().busy());

    Await.returns("close during a hung probe", sim.health::close);
    Await.until("the loop thread ended", () -> !threadAlive("gpu-agent-health"));
    Await.until("the probe thread ended", () -> !threadAlive("gpu-agent-probe-1"));
  }

  @Test
  void resetOfAnUnknownDeviceIsRefusedWithOneLine() {
    sim = new SimHealth("h100x8", SimHealth.CONFIG);
    assertThatThrownBy(() -> sim.health.onGpuReset("GPU-nope"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no device GPU-nope is known to the health module");
  }

  @Test
  void resetOfAMigDeviceResetsItsGpu() {
    sim =
        new SimHealth(
            "a100-mig", SimHealth.CONFIG.withStickyReasons(Set.of(HealthReason.ROW_REMAP_FAILURE)));
    Gpu gpu0 = sim.gpu(0);
    sim.node.inject(gpu0.uuid(), new SimFault.RowRemapFailure());
    sim.health.checkNow();
    sim.node.clearFaults(gpu0.uuid());
    sim.health.checkNow();
    assertThat(sim.view(gpu0.uuid()).blockers()).containsExactly(HealthReason.ROW_REMAP_FAILURE);

    sim.health.onGpuReset(gpu0.migDevices().get(0).uuid());

    assertThat(sim.view(gpu0.uuid()).blockers()).isEmpty();
    assertThat(sim.view(gpu0.migDevices().get(3).uuid()).blockers()).isEmpty();
  }

  private static boolean threadAlive(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(thread -> thread.getName().equals(name) && thread.isAlive());
  }

  private static long size(Path file) {
    try {
      return Files.exists(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      return 0;
    }
  }
}
