package io.gpuagent.health.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.nvml.sim.SimFault;
import io.gpuagent.nvml.sim.SimOptions;
import io.gpuagent.nvml.sim.SimulatedNode;
import io.gpuagent.testing.Await;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SimulatedProbeRunnerTest {
  private static final Duration DEADLINE = Duration.ofMillis(300);

  private final SimulatedNode node = SimulatedNode.load("a100-mig", SimOptions.defaults());
  private final SimulatedProbeRunner runner = new SimulatedProbeRunner(node);
  private final ExecutorService caller =
      Executors.newSingleThreadExecutor(task -> new Thread(task, "test-probe-caller"));
  private final String gpu;
  private final String mig;

  SimulatedProbeRunnerTest() {
    node.init();
    gpu = node.deviceByIndex(3).uuid();
    mig = node.deviceByIndex(0).migDevice(1).orElseThrow().uuid();
  }

  @AfterEach
  void stop() {
    runner.close();
    caller.shutdownNow();
    node.shutdown();
  }

  @Test
  void soundDevicePasses() {
    ProbeResult result = runner.run(request(gpu, ProbeKind.MEMORY));

    assertThat(result.outcome()).isEqualTo(ProbeResult.Outcome.PASSED);
  }

  @Test
  void badMemoryFailsBothKindsWithItsMismatches() {
    node.inject(mig, new SimFault.BadMemory(12));

    ProbeResult memory = runner.run(request(mig, ProbeKind.MEMORY));
    ProbeResult compute = runner.run(request(mig, ProbeKind.COMPUTE));

    assertThat(memory.outcome()).isEqualTo(ProbeResult.Outcome.FAILED);
    assertThat(memory.mismatches()).isEqualTo(12);
    assertThat(memory.detail()).isEqualTo("12 words read back wrong");
    assertThat(compute.outcome()).isEqualTo(ProbeResult.Outcome.FAILED);
  }

  @Test
  void hungKernelIsAnsweredHungAtTheDeadlineNotBefore() {
    node.inject(gpu, new SimFault.HungKernel());

    long start = System.nanoTime();
    ProbeResult result = runner.run(request(gpu, ProbeKind.COMPUTE));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(result.outcome()).isEqualTo(ProbeResult.Outcome.HUNG);
    assertThat(result.detail()).isEqualTo("no result within 300 ms; the probe was killed");
    assertThat(took).isGreaterThanOrEqualTo(DEADLINE);
  }

  @Test
  void slowKernelPassesLateWithinTheDeadlineAndHangsPastIt() {
    node.inject(gpu, new SimFault.SlowKernel(Duration.ofMillis(100)));
    ProbeResult late = runner.run(request(gpu, ProbeKind.COMPUTE));
    assertThat(late.outcome()).isEqualTo(ProbeResult.Outcome.PASSED);
    assertThat(late.duration()).isGreaterThanOrEqualTo(Duration.ofMillis(100));

    node.inject(gpu, new SimFault.SlowKernel(Duration.ofMinutes(10)));
    ProbeResult tooLate = runner.run(request(gpu, ProbeKind.COMPUTE));
    assertThat(tooLate.outcome()).isEqualTo(ProbeResult.Outcome.HUNG);
    assertThat(tooLate.duration()).as("cut at the deadline").isLessThan(Duration.ofMinutes(10));
  }

  @Test
  void aGpuFaultReachesItsMigDevices() {
    String gpu0 = node.deviceByIndex(0).uuid();
    node.inject(gpu0, new SimFault.BadMemory(1));

    assertThat(runner.run(request(mig, ProbeKind.MEMORY)).outcome())
        .isEqualTo(ProbeResult.Outcome.FAILED);
  }

  @Test
  void lostGpuFailsAndUnknownDeviceIsUnavailable() {
    node.inject(gpu, new SimFault.Lost());

    ProbeResult lost = runner.run(request(gpu, ProbeKind.MEMORY));
    assertThat(lost.outcome()).isEqualTo(ProbeResult.Outcome.FAILED);
    assertThat(lost.detail()).isEqualTo("CUDA cannot use the device: NVML_ERROR_GPU_IS_LOST");
    assertThat(runner.run(request("MIG-gone", ProbeKind.MEMORY)).outcome())
        .isEqualTo(ProbeResult.Outcome.UNAVAILABLE);
  }

  @Test
  void withoutCudaEveryProbeIsUnavailable() {
    try (SimulatedProbeRunner noCuda = new SimulatedProbeRunner(node, false)) {
      node.inject(gpu, new SimFault.HungKernel());
      ProbeResult result = noCuda.run(request(gpu, ProbeKind.MEMORY));

      assertThat(result.outcome()).isEqualTo(ProbeResult.Outcome.UNAVAILABLE);
      assertThat(result.detail()).isEqualTo("libcuda.so.1 not found (simulated)");
    }
  }

  @Test
  void closeEndsAHungProbeAtOnce() throws Exception {
    node.inject(gpu, new SimFault.HungKernel());
    Future<ProbeResult> probe =
        caller.submit(
            () -> runner.run(new ProbeRequest(gpu, ProbeKind.MEMORY, 64, Duration.ofMinutes(5))));
    Await.until("the probe is waiting", SimulatedProbeRunnerTest::callerIsWaiting);

    runner.close();

    ProbeResult result = probe.get(5, TimeUnit.SECONDS);
    assertThat(result.outcome()).isEqualTo(ProbeResult.Outcome.UNAVAILABLE);
    assertThat(result.detail()).isEqualTo("probe stopped: the runner was closed");
  }

  private static boolean callerIsWaiting() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(
            t ->
                t.getName().equals("test-probe-caller")
                    && t.getState() == Thread.State.TIMED_WAITING);
  }

  private static ProbeRequest request(String uuid, ProbeKind kind) {
    return new ProbeRequest(uuid, kind, 64, DEADLINE);
  }
}
