package io.gpuagent.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.health.probe.ProbeResult;
import io.gpuagent.health.probe.SimulatedProbeRunner;
import io.gpuagent.nvml.health.HealthReason;
import io.gpuagent.nvml.health.HealthState;
import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.inventory.MigDevice;
import io.gpuagent.nvml.sim.SimFault;
import io.gpuagent.testing.Await;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Probes make devices unhealthy and, after the cause has ended, healthy again. */
class ProbeRecoveryTest {
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
  void hungProbeIsAnsweredAtItsDeadlineAndTheServiceStaysResponsive() throws Exception {
    sim = new SimHealth("h100x8", SimHealth.CONFIG).withEventPump();
    String gpu5 = sim.gpu(5).uuid();
    String gpu6 = sim.gpu(6).uuid();
    sim.node.inject(gpu5, new SimFault.HungKernel());

    long start = System.nanoTime();
    Future<ProbeResult> probe = caller.submit(() -> sim.health.probeNow(gpu5));
    // While the probe hangs, events are handled and the state can be read.
    sim.node.inject(gpu6, new SimFault.Xid(48));
    Await.until("GPU 6 unhealthy while GPU 5's probe hangs", () -> !sim.healthy(gpu6));
    assertThat(probe.isDone()).isFalse();

    ProbeResult result = probe.get(5, TimeUnit.SECONDS);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(result.outcome()).isEqualTo(ProbeResult.Outcome.HUNG);
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    assertThat(sim.reason(gpu5)).contains(HealthReason.PROBE_HUNG);
    assertThat(((HealthState.Unhealthy) sim.view(gpu5).state()).evidence())
        .startsWith("memory probe hung after ");
    assertThat(sim.view(gpu5).lastProbe().orElseThrow().result()).isEqualTo(result);
  }

  @Test
  void clearedFaultIsHealthyAfterExactlyNPassingProbesNotBefore() {
    sim = new SimHealth("h100x8", SimHealth.CONFIG);
    String gpu = sim.gpu(4).uuid();
    sim.node.inject(gpu, new SimFault.BadMemory(12));

    assertThat(sim.health.probeNow(gpu).outcome()).isEqualTo(ProbeResult.Outcome.FAILED);
    assertThat(sim.reason(gpu)).contains(HealthReason.PROBE_FAILED);
    assertThat(sim.health.probeNow(gpu).outcome()).isEqualTo(ProbeResult.Outcome.FAILED);
    assertThat(sim.view(gpu).passes()).isZero();

    sim.node.clearFaults(gpu);
    for (int pass = 1; pass < 3; pass++) {
      assertThat(sim.health.probeNow(gpu).outcome()).isEqualTo(ProbeResult.Outcome.PASSED);
      assertThat(sim.healthy(gpu)).as("after %d passes", pass).isFalse();
      assertThat(sim.view(gpu).passes()).isEqualTo(pass);
    }
    sim.health.probeNow(gpu);

    assertThat(sim.healthy(gpu)).isTrue();
    assertThat(sim.view(gpu).history())
        .extracting(HealthTransition::evidence)
        .containsExactly(
            "memory probe failed after "
                + sim.view(gpu).probes().get(0).result().duration().toMillis()
                + " ms, 12 mismatches: 12 words read back wrong",
            "3 passing probes in a row");
  }

  @Test
  void aFailureDuringRecoveryStartsTheCountAgain() {
    sim = new SimHealth("h100x8", SimHealth.CONFIG);
    String gpu = sim.gpu(4).uuid();
    sim.node.inject(gpu, new SimFault.BadMemory(1));
    sim.health.probeNow(gpu);
    sim.node.clearFaults(gpu);
    sim.health.probeNow(gpu);
    sim.health.probeNow(gpu);

    sim.node.inject(gpu, new SimFault.BadMemory(1));
    sim.health.probeNow(gpu);
    sim.node.clearFaults(gpu);
    sim.health.probeNow(gpu);
    sim.health.probeNow(gpu);
    assertThat(sim.healthy(gpu)).isFalse();
    sim.health.probeNow(gpu);
    assertThat(sim.healthy(gpu)).isTrue();
  }

  @Test
  void xidIsWorkedOffByPassingProbesAlone() {
    sim = new SimHealth("h100x8", SimHealth.CONFIG).withEventPump();
    String gpu = sim.gpu(0).uuid();
    sim.node.inject(gpu, new SimFault.Xid(79));
    Await.until("unhealthy", () -> !sim.healthy(gpu));

    sim.health.probeNow(gpu);
    sim.health.probeNow(gpu);
    assertThat(sim.healthy(gpu)).isFalse();
    sim.health.probeNow(gpu);
    assertThat(sim.healthy(gpu)).isTrue();
    assertThat(sim.health.counters().transitions())
        .containsExactlyInAnyOrder(
            new HealthCounters.TransitionCount(HealthReason.XID, "unhealthy", 1),
            new HealthCounters.TransitionCount(HealthReason.XID, "healthy", 1));
  }

  @Test
  void stickyReasonStaysThroughPassesUntilAGpuReset() {
    sim =
        new SimHealth("h100x8", SimHealth.CONFIG.withStickyReasons(Set.of(HealthReason.XID)))
            .withEventPump();
    String gpu = sim.gpu(2).uuid();
    sim.node.inject(gpu, new SimFault.Xid(48));
    Await.until("unhealthy", () -> !sim.healthy(gpu));

    for (int i = 0; i < 5; i++) {
      sim.health.probeNow(gpu);
    }
    assertThat(sim.healthy(gpu)).isFalse();
    assertThat(sim.view(gpu).blockers()).containsExactly(HealthReason.XID);

    sim.health.onGpuReset(gpu);
    assertThat(sim.view(gpu).blockers()).isEmpty();
    assertThat(sim.healthy(gpu)).as("a reset forgives, probes still have to pass").isFalse();
    for (int i = 0; i < 3; i++) {
      sim.health.probeNow(gpu);
    }
    assertThat(sim.healthy(gpu)).isTrue();
  }

  @Test
  void unavailableProbeDoesNotMakeADeviceUnhealthy() {
    sim = new SimHealth("h100x8", SimHealth.CONFIG, node -> new SimulatedProbeRunner(node, false));
    String gpu = sim.gpu(4).uuid();
    sim.node.inject(gpu, new SimFault.HungKernel());

    ProbeResult result = sim.health.probeNow(gpu);

    assertThat(result.outcome()).isEqualTo(ProbeResult.Outcome.UNAVAILABLE);
    assertThat(sim.healthy(gpu)).isTrue();
    assertThat(sim.view(gpu).lastProbe().orElseThrow().result()).isEqualTo(result);
  }

  @Test
  void withoutProbesAnXidLastsUntilAResetAndTheResetEndsIt() {
    sim =
        new SimHealth("h100x8", SimHealth.CONFIG, node -> new SimulatedProbeRunner(node, false))
            .withEventPump();
    String gpu = sim.gpu(1).uuid();
    sim.health.probeNow(gpu); // UNAVAILABLE: this node has no CUDA
    sim.node.inject(gpu, new SimFault.Xid(79));
    Await.until("unhealthy", () -> !sim.healthy(gpu));

    sim.health.probeNow(gpu);
    sim.health.checkNow();
    assertThat(sim.healthy(gpu)).isFalse();

    sim.health.onGpuReset(gpu);
    assertThat(sim.healthy(gpu)).isTrue();
  }

  @Test
  void probeFailureOnAMigDeviceMarksOnlyItButRestartsItsGpusCount() {
    sim = new SimHealth("a100-mig", SimHealth.CONFIG).withEventPump();
    Gpu gpu1 = sim.gpu(1);
    MigDevice bad = gpu1.migDevices().get(0);
    MigDevice good = gpu1.migDevices().get(1);
    sim.node.inject(bad.uuid(), new SimFault.BadMemory(4));

    sim.health.probeNow(bad.uuid());

    assertThat(sim.reason(bad.uuid())).contains(HealthReason.PROBE_FAILED);
    assertThat(sim.healthy(good.uuid())).isTrue();
    assertThat(sim.healthy(gpu1.uuid())).isTrue();
  }

  @Test
  void gpuInMigModeRecoversThroughItsInstancesPasses() {
    sim = new SimHealth("a100-mig", SimHealth.CONFIG).withEventPump();
    Gpu gpu0 = sim.gpu(0);
    sim.node.inject(gpu0.uuid(), new SimFault.Xid(79));
    Await.until("unhealthy", () -> !sim.healthy(gpu0.uuid()));

    for (int round = 0; round < 3; round++) {
      for (MigDevice mig : gpu0.migDevices()) {
        sim.health.probeNow(mig.uuid());
      }
    }

    assertThat(sim.healthy(gpu0.uuid())).isTrue();
    assertThat(gpu0.migDevices()).allSatisfy(mig -> assertThat(sim.healthy(mig.uuid())).isTrue());
  }
}
