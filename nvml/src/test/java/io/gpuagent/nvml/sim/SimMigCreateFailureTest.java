package io.gpuagent.nvml.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpuagent.nvml.GpuInstance;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.NvmlException;
import io.gpuagent.nvml.NvmlReturn;
import io.gpuagent.nvml.Placement;
import io.gpuagent.nvml.mig.MigProfileTable;
import io.gpuagent.testing.ManualClock;
import org.junit.jupiter.api.Test;

/** The {@code mig-create-failure} fault and the built-in MIG profile tables. */
class SimMigCreateFailureTest {
  private final SimulatedNode node = SimNodes.started("a100-mig", new ManualClock());

  @Test
  void theCreationAfterTheAllowedOnesFailsOnceAndTheFaultIsSpent() {
    NvmlDevice gpu = node.deviceByIndex(0);
    gpu.allGpuInstances()
        .forEach(
            gi -> {
              for (int i = 0; i < 8; i++) {
                gi.computeInstanceProfile(i)
                    .ifPresent(p -> gi.computeInstances(p.id()).forEach(ci -> ci.destroy()));
              }
              gi.destroy();
            });
    node.inject(gpu.uuid(), new SimFault.MigCreateFailure(1));

    GpuInstance first = gpu.createGpuInstance(19, new Placement(0, 1));
    assertThatThrownBy(() -> gpu.createGpuInstance(19, new Placement(1, 1)))
        .isInstanceOfSatisfying(
            NvmlException.class, e -> assertThat(e.code()).isEqualTo(NvmlReturn.UNKNOWN))
        .hasMessageContaining("injected fault mig-create-failure");

    assertThat(node.activeFaults()).isEmpty();
    assertThat(gpu.createGpuInstance(19, new Placement(1, 1))).isNotNull();
    assertThat(first.info().placement()).isEqualTo(new Placement(0, 1));
  }

  @Test
  void theBuiltInTableIsTheOneNvmlReportsInMigMode() {
    NvmlDevice gpu = node.deviceByIndex(0);

    MigProfileTable fromNvml = MigProfileTable.fromNvml(gpu).orElseThrow();
    MigProfileTable builtIn = SimulatedNode.builtInMigTable(gpu.name()).orElseThrow();

    assertThat(builtIn.profiles()).containsExactlyInAnyOrderElementsOf(fromNvml.profiles());
    assertThat(MigProfileTable.fromNvml(node.deviceByIndex(2))).isEmpty();
  }
}
