package io.gpuagent.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.health.probe.ProbeResult;
import io.gpuagent.nvml.EventData;
import io.gpuagent.nvml.EventType;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.health.HealthReason;
import io.gpuagent.nvml.health.HealthState;
import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.inventory.MigDevice;
import io.gpuagent.nvml.sim.SimFault;
import io.gpuagent.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** XIDs and ECC events reach the health service through the one NVML event pump. */
class XidHealthTest {
  private SimHealth sim;

  @AfterEach
  void stop() {
    if (sim != null) {
      sim.close();
    }
  }

  @Test
  void xid79OnGpu3MakesItUnhealthy() {
    sim = new SimHealth("h100x8", SimHealth.CONFIG).withEventPump();
    List<HealthTransition> seen = new CopyOnWriteArrayList<>();
    sim.health.addListener(seen::add);
    String gpu3 = sim.gpu(3).uuid();

    sim.node.inject(gpu3, new SimFault.Xid(79));
    Await.until("GPU 3 unhealthy", () -> !sim.healthy(gpu3));

    HealthState.Unhealthy state = (HealthState.Unhealthy) sim.view(gpu3).state();
    assertThat(state.reason()).isEqualTo(HealthReason.XID);
    assertThat(state.evidence()).isEqualTo("xid=79");
    assertThat(state.since()).isEqualTo(sim.clock.instant());
    assertThat(sim.view(gpu3).xidCounts()).isEqualTo(Map.of(79, 1L));
    for (Gpu other : sim.inventory().gpus()) {
      if (!other.uuid().equals(gpu3)) {
        assertThat(sim.healthy(other.uuid())).as(other.uuid()).isTrue();
      }
    }
    Await.until("the listener told", () -> seen.size() == 1);
    assertThat(seen.get(0).deviceUuid()).isEqualTo(gpu3);
    assertThat(seen.get(0).from().isHealthy()).isTrue();
    assertThat(seen.get(0).reason()).isEqualTo(HealthReason.XID);
    assertThat(sim.view(gpu3).history()).containsExactlyElementsOf(seen);
  }

  @Test
  void applicationXid13IsCountedButChangesNothing() {
    sim = new SimHealth("h100x8", SimHealth.CONFIG).withEventPump();
    String gpu = sim.gpu(1).uuid();

    sim.node.inject(gpu, new SimFault.Xid(13));
    sim.node.inject(gpu, new SimFault.Xid(13));
    Await.until("two XID 13 counted", () -> sim.view(gpu).xidCounts().getOrDefault(13, 0L) == 2);

    assertThat(sim.healthy(gpu)).isTrue();
    assertThat(sim.view(gpu).history()).isEmpty();
    assertThat(sim.health.counters().xidsIgnored()).isEqualTo(2);
    assertThat(sim.health.counters().transitions()).isEmpty();
  }

  @Test
  void theIgnoreListIsConfigurable() {
    sim = new SimHealth("h100x8", SimHealth.CONFIG.withIgnoredXids(Set.of(94))).withEventPump();
    String gpu = sim.gpu(2).uuid();

    sim.node.inject(gpu, new SimFault.Xid(94));
    Await.until("XID 94 counted", () -> sim.view(gpu).xidCounts().containsKey(94));
    assertThat(sim.healthy(gpu)).isTrue();

    sim.node.inject(gpu, new SimFault.Xid(13));
    Await.until("XID 13 is no longer ignored", () -> !sim.healthy(gpu));
    assertThat(sim.view(gpu).state())
        .isEqualTo(new HealthState.Unhealthy(HealthReason.XID, "xid=13", sim.clock.instant()));
  }

  @Test
  void xidOnAMigInstanceMarksOnlyThatInstance() {
    sim = new SimHealth("a100-mig", SimHealth.CONFIG).withEventPump();
    Gpu gpu0 = sim.gpu(0);
    MigDevice hit = gpu0.migDevices().get(2);

    sim.node.inject(hit.uuid(), new SimFault.Xid(94));
    Await.until("the MIG device unhealthy", () -> !sim.healthy(hit.uuid()));

    assertThat(sim.reason(hit.uuid())).contains(HealthReason.XID);
    assertThat(sim.view(hit.uuid()).gpuUuid()).contains(gpu0.uuid());
    assertThat(sim.view(hit.uuid()).xidCounts()).isEqualTo(Map.of(94, 1L));
    assertThat(sim.healthy(gpu0.uuid())).isTrue();
    assertThat(sim.view(gpu0.uuid()).xidCounts()).isEmpty();
    for (MigDevice sibling : gpu0.migDevices()) {
      if (!sibling.uuid().equals(hit.uuid())) {
        assertThat(sim.healthy(sibling.uuid())).as(sibling.profile()).isTrue();
      }
    }
  }

  @Test
  void gpuLevelXidMarksTheGpuAndAllItsInstances() {
    sim = new SimHealth("a100-mig", SimHealth.CONFIG).withEventPump();
    Gpu gpu0 = sim.gpu(0);

    sim.node.inject(gpu0.uuid(), new SimFault.Xid(79));
    Await.until("GPU 0 unhealthy", () -> !sim.healthy(gpu0.uuid()));

    for (MigDevice mig : gpu0.migDevices()) {
      assertThat(sim.reason(mig.uuid())).as(mig.profile()).contains(HealthReason.XID);
    }
    Gpu gpu1 = sim.gpu(1);
    assertThat(sim.healthy(gpu1.uuid())).isTrue();
    assertThat(gpu1.migDevices()).allSatisfy(mig -> assertThat(sim.healthy(mig.uuid())).isTrue());
    assertThat(sim.health.counters().transitions())
        .containsExactly(
            new HealthCounters.TransitionCount(
                HealthReason.XID, "unhealthy", 1 + gpu0.migDevices().size()));
  }

  @Test
  void aDoubleBitEccEventAloneDoesNotDecideButUncorrectedGrowthDoes() {
    sim = new SimHealth("h100x8", SimHealth.CONFIG).withEventPump();
    String corrected = sim.gpu(6).uuid();
    String uncorrected = sim.gpu(7).uuid();
    sim.health.checkNow(); // the counters' baseline

    sim.node.inject(corrected, new SimFault.EccErrors(5, 0));
    sim.node.inject(uncorrected, new SimFault.EccErrors(0, 2));
    Await.until(
        "the double-bit event counted", () -> sim.health.counters().doubleBitEccEvents() == 1);
    assertThat(sim.healthy(uncorrected)).as("the event alone").isTrue();

    sim.health.checkNow(); // the poll sees the volatile uncorrected count grow
    assertThat(sim.reason(uncorrected)).contains(HealthReason.ECC_UNCORRECTABLE);
    assertThat(sim.view(uncorrected).state())
        .isInstanceOfSatisfying(
            HealthState.Unhealthy.class,
            bad -> assertThat(bad.evidence()).isEqualTo("volatile uncorrected ECC errors 0 -> 2"));
    assertThat(sim.healthy(corrected)).as("corrected errors alone").isTrue();
  }

  @Test
  void anEventBeforeAnyInventoryStillLandsOnItsGpu() {
    sim = new SimHealth("h100x8", SimHealth.CONFIG);
    HealthService fresh =
        new HealthService(
            SimHealth.CONFIG,
            sim.node,
            () -> null,
            request -> ProbeResult.unavailable(Duration.ZERO, "no probes here"),
            sim.clock);
    try (fresh) {
      NvmlDevice device = sim.node.deviceByIndex(0);
      fresh
          .eventListener()
          .onEvent(
              new EventData(
                  device, EventType.XID_CRITICAL_ERROR, 48, Optional.empty(), Optional.empty()));

      assertThat(fresh.current().get(device.uuid()).reason()).contains(HealthReason.XID);
    }
  }
}
