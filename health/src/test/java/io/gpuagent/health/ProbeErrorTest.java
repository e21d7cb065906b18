package io.gpuagent.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.health.probe.ChildProcessProbeRunner;
import io.gpuagent.health.probe.ProbeCommand;
import io.gpuagent.health.probe.ProbeResult;
import io.gpuagent.nvml.EventData;
import io.gpuagent.nvml.EventType;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.testing.Await;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A probe that could not judge the GPU changes nothing: a real probe child killed with SIGKILL (as
 * the OOM killer does) leaves the device as it was, and the error is counted and shown.
 */
class ProbeErrorTest {
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
  void aProbeChildKilledWithSigkillLeavesTheDeviceHealthyAndCountsTheError() throws Exception {
    Path childPid = dir.resolve("child.pid");
    String script = "echo $$ > " + childPid + "; exec sleep 1000";
    sim =
        new SimHealth(
            "h100x8",
            SimHealth.CONFIG.withProbeDeadline(Duration.ofMinutes(5)),
            node ->
                new ChildProcessProbeRunner(
                    ProbeCommand.withArguments(List.of("sh", "-c", script, "probe"))));
    String gpu = sim.gpu(1).uuid();
    PrometheusRegistry registry = new PrometheusRegistry();
    HealthMetrics.register(registry, sim.health);

    Future<ProbeResult> probe = caller.submit(() -> sim.health.probeNow(gpu));
    Await.until("the probe child started", () -> pidIn(childPid) > 0);
    ProcessHandle child = ProcessHandle.of(pidIn(childPid)).orElseThrow();
    assertThat(child.destroyForcibly()).as("SIGKILL sent").isTrue();
    ProbeResult result = probe.get(Await.DEFAULT.toSeconds(), TimeUnit.SECONDS);

    assertThat(result.outcome()).isEqualTo(ProbeResult.Outcome.ERROR);
    assertThat(result.detail()).isEqualTo("probe killed by signal 9 without a result");
    assertThat(sim.healthy(gpu)).isTrue();
    assertThat(sim.view(gpu).history()).isEmpty();
    assertThat(sim.view(gpu).probeErrors()).isEqualTo(1);
    assertThat(sim.health.verdicts().get(gpu).isHealthy()).isTrue();
    assertThat(HealthMetricsTest.scrape(registry))
        .contains("gpu_agent_probe_errors{UUID=\"" + gpu + "\"} 1.0")
        .contains("gpu_agent_probe_result{UUID=\"" + gpu + "\",result=\"error\"} 1.0");
  }

  @Test
  void anErrorNeitherCountsAsAPassNorRestartsTheCount() {
    Iterator<ProbeResult> results =
        List.of(
                ProbeResult.passed(Duration.ZERO),
                ProbeResult.error(Duration.ZERO, "probe killed by signal 9 without a result"),
                ProbeResult.passed(Duration.ZERO),
                ProbeResult.passed(Duration.ZERO))
            .iterator();
    sim = new SimHealth("h100x8", SimHealth.CONFIG, node -> request -> results.next());
    NvmlDevice device = sim.node.deviceByIndex(2);
    String gpu = device.uuid();
    sim.health
        .eventListener()
        .onEvent(
            new EventData(
                device, EventType.XID_CRITICAL_ERROR, 79, Optional.empty(), Optional.empty()));
    assertThat(sim.healthy(gpu)).isFalse();

    sim.health.probeNow(gpu);
    sim.health.probeNow(gpu);
    assertThat(sim.view(gpu).passes()).isEqualTo(1);
    assertThat(sim.healthy(gpu)).isFalse();
    sim.health.probeNow(gpu);
    sim.health.probeNow(gpu);

    assertThat(sim.healthy(gpu)).isTrue();
    assertThat(sim.view(gpu).probeErrors()).isEqualTo(1);
  }

  private static long pidIn(Path file) {
    try {
      String text = Files.exists(file) ? Files.readString(file).trim() : "";
      return text.isEmpty() ? -1 : Long.parseLong(text);
    } catch (IOException e) {
      return -1;
    }
  }
}
