package io.gpuagent.nvml.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.nvml.sim.SimFault;
import io.gpuagent.nvml.sim.SimOptions;
import io.gpuagent.nvml.sim.SimulatedNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The cheap fingerprint changes exactly when a rebuild could give other devices. */
class InventoryFingerprintTest {
  private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
  private final SimulatedNode node =
      SimulatedNode.load("a100-mig", new SimOptions("fingerprint-node", 7, clock));
  private final InventoryReader reader = new InventoryReader(node, clock);

  {
    node.init();
  }

  @Test
  void theFingerprintReadFromNvmlMatchesTheOneOfTheInventoryReadFromIt() {
    Inventory inventory = reader.read();

    assertThat(InventoryFingerprint.read(node)).isEqualTo(InventoryFingerprint.of(inventory));
    assertThat(InventoryFingerprint.read(node).gpus()).hasSize(4);
    assertThat(InventoryFingerprint.read(node).gpus().get(0).migDevices()).hasSize(4);
  }

  @Test
  void unchangedHardwareGivesAnEqualFingerprint() {
    assertThat(InventoryFingerprint.read(node)).isEqualTo(InventoryFingerprint.read(node));
  }

  @Test
  void aMigRelayoutChangesTheFingerprint() {
    InventoryFingerprint before = InventoryFingerprint.read(node);
    String gpu1 = node.deviceByIndex(1).uuid();

    node.setMigLayout(gpu1, true, List.of("3g.40gb", "3g.40gb"));

    InventoryFingerprint after = InventoryFingerprint.read(node);
    assertThat(after).isNotEqualTo(before);
    assertThat(after.gpus().get(1).migDevices()).hasSize(2);
    assertThat(after.gpus().get(0)).isEqualTo(before.gpus().get(0));
  }

  @Test
  void aPendingMigModeChangesTheFingerprint() {
    InventoryFingerprint before = InventoryFingerprint.read(node);

    node.deviceByIndex(2).setMigMode(true);

    assertThat(InventoryFingerprint.read(node)).isNotEqualTo(before);
  }

  @Test
  void aLostGpuIsUnreadableAndReadableAgainOnceTheFaultIsGone() {
    InventoryFingerprint before = InventoryFingerprint.read(node);
    String gpu3 = node.deviceByIndex(3).uuid();

    node.inject(gpu3, new SimFault.Lost());
    InventoryFingerprint lost = InventoryFingerprint.read(node);
    Inventory lostInventory = reader.read();

    assertThat(lost.gpus().get(3).uuid()).isEqualTo(Optional.empty());
    assertThat(lost).isNotEqualTo(before).isEqualTo(InventoryFingerprint.of(lostInventory));
    assertThat(lost.answers(3)).isFalse();
    assertThat(lost.answers(2)).isTrue();

    node.clearFaults(gpu3);

    assertThat(InventoryFingerprint.read(node)).isEqualTo(before);
    assertThat(InventoryFingerprint.read(node).answers(3)).isTrue();
  }
}
