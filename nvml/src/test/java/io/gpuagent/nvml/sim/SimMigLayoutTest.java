package io.gpuagent.nvml.sim;

import static io.gpuagent.nvml.sim.MigPlacementTest.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpuagent.nvml.EventData;
import io.gpuagent.nvml.EventSet;
import io.gpuagent.nvml.EventType;
import io.gpuagent.nvml.MigMode;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.NvmlReturn;
import io.gpuagent.nvml.inventory.InventoryFingerprint;
import io.gpuagent.testing.ManualClock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link SimulatedNode#setMigLayout}: what nvidia-smi mig / mig-parted do, under the MIG rules. */
class SimMigLayoutTest {
  private final ManualClock clock = new ManualClock();
  private final SimulatedNode node = SimNodes.started("a100-mig", clock);

  @Test
  void enablingMigResetsTheGpuAndCreatesTheListedInstancesWithEvents() {
    NvmlDevice gpu = node.deviceByIndex(2);
    try (EventSet set = node.createEventSet()) {
      gpu.registerEvents(set, EnumSet.of(EventType.MIG_CONFIG_CHANGE));

      node.setMigLayout(gpu.uuid(), true, List.of("3g.40gb", "3g.40gb"));

      assertThat(gpu.migMode()).contains(new MigMode(true, true));
      assertThat(gpu.migDevices())
          .extracting(NvmlDevice::name)
          .containsExactly(
              "NVIDIA A100-SXM4-80GB MIG 3g.40gb", "NVIDIA A100-SXM4-80GB MIG 3g.40gb");
      assertThat(set.await(Duration.ofSeconds(5)).map(EventData::type))
          .contains(EventType.MIG_CONFIG_CHANGE);
    }
  }

  @Test
  void disablingMigDestroysTheInstancesAndLeavesAWholeGpu() {
    NvmlDevice gpu = node.deviceByIndex(0);

    node.setMigLayout(gpu.uuid(), false, List.of());

    assertThat(gpu.migMode()).contains(new MigMode(false, false));
    assertThat(gpu.migDevices()).isEmpty();
  }

  @Test
  void aPendingModeLeftBehindIsOverwritten() {
    NvmlDevice gpu = node.deviceByIndex(3);
    gpu.setMigMode(true);

    node.setMigLayout(gpu.uuid(), false, List.of());

    assertThat(gpu.migMode()).contains(new MigMode(false, false));
  }

  @Test
  void aLayoutThePlacementRulesRefuseKeepsTheOldLayout() {
    NvmlDevice gpu = node.deviceByIndex(1);
    InventoryFingerprint before = InventoryFingerprint.read(node);
    List<String> uuidsBefore = gpu.migDevices().stream().map(NvmlDevice::uuid).toList();

    // Two 4g.40gb need 8 compute slices; an A100 has 7.
    assertThatThrownBy(() -> node.setMigLayout(gpu.uuid(), true, List.of("4g.40gb", "4g.40gb")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("4g.40gb");

    assertThat(InventoryFingerprint.read(node)).isEqualTo(before);
    assertThat(gpu.migDevices()).extracting(NvmlDevice::uuid).isEqualTo(uuidsBefore);
  }

  @Test
  void aRefusedLayoutAfterAModeChangePutsTheModeBack() {
    NvmlDevice gpu = node.deviceByIndex(3);
    InventoryFingerprint before = InventoryFingerprint.read(node);

    assertThatThrownBy(() -> node.setMigLayout(gpu.uuid(), true, List.of("7g.80gb", "1g.10gb")))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(gpu.migMode()).contains(new MigMode(false, false));
    assertThat(InventoryFingerprint.read(node)).isEqualTo(before);
  }

  @Test
  void unknownProfilesAndInstancesWithoutMigAreRefusedBeforeAnythingChanges() {
    NvmlDevice gpu = node.deviceByIndex(0);
    InventoryFingerprint before = InventoryFingerprint.read(node);

    assertThatThrownBy(() -> node.setMigLayout(gpu.uuid(), true, List.of("9g.99gb")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("9g.99gb")
        .hasMessageContaining("3g.40gb");
    assertThatThrownBy(() -> node.setMigLayout(gpu.uuid(), false, List.of("1g.10gb")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("migEnabled");
    String mig = gpu.migDevices().get(0).uuid();
    assertThatThrownBy(() -> node.setMigLayout(mig, false, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("MIG device");

    assertThat(InventoryFingerprint.read(node)).isEqualTo(before);
  }

  @Test
  void runningProcessesRefuseAnyChangeWithInUse() {
    NvmlDevice gpu = node.deviceByIndex(2);
    node.inject(gpu.uuid(), new SimFault.Process(4242, 1L << 30, 50));
    InventoryFingerprint before = InventoryFingerprint.read(node);

    assertRefused(() -> node.setMigLayout(gpu.uuid(), true, List.of("3g.40gb")), NvmlReturn.IN_USE);

    assertThat(InventoryFingerprint.read(node)).isEqualTo(before);
  }

  @Test
  void aGpuWithoutMigIsRefused() {
    SimulatedNode pcie = SimNodes.started("pcie-mixed", clock);
    NvmlDevice l40s =
        pcie.devices().stream().filter(d -> d.migMode().isEmpty()).findFirst().orElseThrow();

    assertThatThrownBy(() -> pcie.setMigLayout(l40s.uuid(), true, List.of("1g.10gb")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not support MIG");
  }
}
