package io.gpuagent.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.nvml.ComputeInstance;
import io.gpuagent.nvml.GpuInstance;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.Placement;
import io.gpuagent.nvml.health.HealthReason;
import io.gpuagent.nvml.health.HealthState;
import io.gpuagent.nvml.inventory.MigDevice;
import io.gpuagent.nvml.sim.SimFault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the health cycle reads from NVML each interval, without any event pump. */
class CounterPollTest {
  private SimHealth sim;

  @AfterEach
  void stop() {
    if (sim != null) {
      sim.close();
    }
  }

  @Test
  void uncorrectableEccGrowthIsSeenByPollingAlone() {
    sim = new SimHealth("h100x8", SimHealth.CONFIG);
    String gpu = sim.gpu(3).uuid();
    sim.health.checkNow(); // the baseline

    sim.node.inject(gpu, new SimFault.EccErrors(0, 2));
    sim.health.checkNow();

    assertThat(sim.view(gpu).state())
        .isEqualTo(
            new HealthState.Unhealthy(
                HealthReason.ECC_UNCORRECTABLE,
                "volatile uncorrected ECC errors 0 -> 2",
                sim.clock.instant()));
    sim.health.checkNow();
    assertThat(sim.view(gpu).history()).hasSize(1);
  }

  @Test
  void errorsFromBeforeTheAgentStartedAreABaselineNotACause() {
    sim = new SimHealth("h100x8", SimHealth.CONFIG);
    String gpu = sim.gpu(3).uuid();
    sim.node.inject(gpu, new SimFault.EccErrors(0, 2));

    sim.health.checkNow();
    sim.health.checkNow();

    assertThat(sim.healthy(gpu)).isTrue();
  }

  @Test
  void pendingRemapHoldsTheGpuUntilResetThenProbesBringItBack() {
    sim = new SimHealth("a100-mig", SimHealth.CONFIG);
    String gpu = sim.gpu(2).uuid();
    sim.node.inject(gpu, new SimFault.RowRemapPending());
    sim.health.checkNow();
    assertThat(sim.reason(gpu)).contains(HealthReason.ROW_REMAP_PENDING);

    for (int i = 0; i < 4; i++) {
      sim.health.probeNow(gpu);
    }
    assertThat(sim.healthy(gpu)).as("passes do not count while the remap is pending").isFalse();
    assertThat(sim.view(gpu).blockers()).containsExactly(HealthReason.ROW_REMAP_PENDING);

    sim.node.resetGpu(gpu);
    sim.health.checkNow();
    assertThat(sim.view(gpu).blockers()).isEmpty();
    assertThat(sim.healthy(gpu)).isFalse();
    for (int i = 0; i < 3; i++) {
      sim.health.probeNow(gpu);
    }
    assertThat(sim.healthy(gpu)).isTrue();
    assertThat(sim.view(gpu).history())
        .extracting(HealthTransition::evidence)
        .containsExactly(
            "row remap pending, 1 rows remapped for uncorrectable errors",
            "3 passing probes in a row");
  }

  @Test
  void rowRemapFailureMarksTheGpuAndItsMigDevices() {
    sim = new SimHealth("a100-mig", SimHealth.CONFIG);
    String gpu = sim.gpu(1).uuid();
    sim.node.inject(gpu, new SimFault.RowRemapFailure());

    sim.health.checkNow();

    assertThat(sim.reason(gpu)).contains(HealthReason.ROW_REMAP_FAILURE);
    for (MigDevice mig : sim.gpu(1).migDevices()) {
      assertThat(sim.reason(mig.uuid())).contains(HealthReason.ROW_REMAP_FAILURE);
    }
    assertThat(sim.healthy(sim.gpu(0).uuid())).isTrue();
  }

  @Test
  void lostGpuIsUnhealthyAndRecoversOnceItAnswersAndProbesPass() {
    sim = new SimHealth("h100x8", SimHealth.CONFIG);
    String gpu = sim.gpu(2).uuid();
    sim.node.inject(gpu, new SimFault.Lost());

    sim.health.checkNow();
    assertThat(sim.reason(gpu)).contains(HealthReason.GPU_LOST);
    assertThat(sim.healthy(sim.gpu(3).uuid())).as("the other GPUs still answer").isTrue();
    sim.refreshInventory(); // the agent's next inventory lists it as lost
    assertThat(sim.inventory().lostGpus()).hasSize(1);
    assertThat(sim.reason(gpu)).contains(HealthReason.GPU_LOST);

    sim.node.clearFaults(gpu);
    sim.health.checkNow();
    assertThat(sim.view(gpu).blockers())
        .as("the inventory listed it lost: only the next inventory clears that")
        .containsExactly(HealthReason.GPU_LOST);
    sim.refreshInventory();
    assertThat(sim.view(gpu).blockers()).isEmpty();
    assertThat(sim.healthy(gpu)).isFalse();
    for (int i = 0; i < 3; i++) {
      sim.health.probeNow(gpu);
    }
    assertThat(sim.healthy(gpu)).isTrue();
  }

  @Test
  void withProbingOffAConditionEndsWithItsCause() {
    sim = new SimHealth("h100x8", SimHealth.CONFIG.withProbeMode(ProbeMode.NEVER));
    String gpu = sim.gpu(5).uuid();
    sim.node.inject(gpu, new SimFault.Lost());
    sim.health.checkNow();
    assertThat(sim.healthy(gpu)).isFalse();

    sim.node.clearFaults(gpu);
    sim.health.checkNow();

    assertThat(sim.healthy(gpu)).isTrue();
    assertThat(sim.view(gpu).history().get(1).evidence()).isEqualTo("gpu-lost ended");
  }

  @Test
  void inventoryChangesAddAndForgetDevicesAndNewMigDevicesStartAsTheirGpu() {
    sim = new SimHealth("a100-mig", SimHealth.CONFIG);
    String gpu = sim.gpu(1).uuid();
    MigDevice leaving =
        sim.gpu(1).migDevices().stream()
            .filter(mig -> mig.profile().equals("2g.20gb"))
            .findFirst()
            .orElseThrow();
    sim.node.inject(gpu, new SimFault.RowRemapFailure());
    sim.health.checkNow();

    NvmlDevice device = sim.node.deviceByIndex(1);
    GpuInstance old = device.gpuInstanceById(leaving.gpuInstanceId());
    for (int index = 0; index < 8; index++) {
      old.computeInstanceProfile(index)
          .ifPresent(p -> old.computeInstances(p.id()).forEach(ComputeInstance::destroy));
    }
    old.destroy();
    GpuInstance added = device.createGpuInstance(19, new Placement(leaving.placement().start(), 1));
    added.createComputeInstance(added.computeInstanceProfile(0).orElseThrow().id());
    sim.refreshInventory();

    MigDevice arrived =
        sim.gpu(1).migDevices().stream()
            .filter(mig -> mig.placement().equals(new Placement(leaving.placement().start(), 1)))
            .findFirst()
            .orElseThrow();
    assertThat(arrived.uuid()).isNotEqualTo(leaving.uuid());
    assertThat(sim.health.current()).doesNotContainKey(leaving.uuid()).containsKey(arrived.uuid());
    assertThat(sim.view(arrived.uuid()).state())
        .isEqualTo(
            new HealthState.Unhealthy(
                HealthReason.ROW_REMAP_FAILURE,
                "as its GPU: row remap failure",
                sim.clock.instant()));
    assertThat(sim.view(arrived.uuid()).blockers()).containsExactly(HealthReason.ROW_REMAP_FAILURE);
  }
}
