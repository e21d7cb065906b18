package io.gpuagent.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.nvml.health.HealthReason;
import io.gpuagent.nvml.health.HealthState;
import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.nvml.inventory.InventoryReader;
import io.gpuagent.nvml.inventory.MigDevice;
import io.gpuagent.nvml.sim.SimFault;
import io.gpuagent.testing.Await;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The one verdict the other modules read: every device of the inventory, published on change. */
class VerdictTest {
  private SimHealth sim;

  @AfterEach
  void stop() {
    if (sim != null) {
      sim.close();
    }
  }

  @Test
  void everyDeviceOfTheInventoryHasAVerdictAndListenersGetEachChange() {
    sim = new SimHealth("a100-mig", SimHealth.CONFIG);
    List<Map<String, HealthState>> seen = new CopyOnWriteArrayList<>();
    sim.health.addVerdictListener(seen::add);
    Gpu gpu0 = sim.gpu(0);

    assertThat(sim.health.verdicts().keySet())
        .contains(gpu0.uuid())
        .containsAll(gpu0.migDevices().stream().map(MigDevice::uuid).toList());
    assertThat(sim.health.verdicts().values()).allMatch(HealthState::isHealthy);

    sim.node.inject(gpu0.uuid(), new SimFault.RowRemapFailure());
    sim.health.checkNow();

    Await.until(
        "the new verdicts published to the listener",
        () -> !seen.isEmpty() && seen.get(seen.size() - 1).equals(sim.health.verdicts()));
    Map<String, HealthState> latest = seen.get(seen.size() - 1);
    for (MigDevice mig : gpu0.migDevices()) {
      assertThat(latest.get(mig.uuid()))
          .as("a MIG device follows its GPU")
          .isInstanceOfSatisfying(
              HealthState.Unhealthy.class,
              bad -> assertThat(bad.reason()).isEqualTo(HealthReason.ROW_REMAP_FAILURE));
    }
    assertThat(latest.get(sim.gpu(2).uuid()).isHealthy()).isTrue();
  }

  @Test
  void aLostGpuInMigModeTakesItsMigDevicesWithIt() {
    sim = new SimHealth("a100-mig", SimHealth.CONFIG);
    Gpu gpu0 = sim.gpu(0);
    sim.node.inject(gpu0.uuid(), new SimFault.Lost());

    Inventory next = sim.refreshInventory();

    assertThat(next.lostGpus()).hasSize(1);
    assertThat(reason(sim.health.verdicts(), gpu0.uuid())).contains(HealthReason.GPU_LOST);
    for (MigDevice mig : gpu0.migDevices()) {
      assertThat(reason(sim.health.verdicts(), mig.uuid()))
          .as(mig.profile())
          .contains(HealthReason.GPU_LOST);
    }
  }

  @Test
  void withHealthWatchingOffTheInventoryAloneStillDecidesLostGpus() {
    sim = new SimHealth("h100x8", SimHealth.CONFIG);
    String lost = sim.gpu(5).uuid();
    try (HealthService inventoryOnly = HealthService.inventoryOnly(sim.node, sim.clock)) {
      inventoryOnly.start();
      inventoryOnly.onInventory(sim.inventory());
      assertThat(inventoryOnly.verdicts().values()).hasSize(8).allMatch(HealthState::isHealthy);

      sim.node.inject(lost, new SimFault.Lost());
      Inventory next = new InventoryReader(sim.node, sim.clock).read(Optional.of(sim.inventory()));
      inventoryOnly.onInventory(next);
      assertThat(reason(inventoryOnly.verdicts(), lost)).contains(HealthReason.GPU_LOST);

      sim.node.clearFaults(lost);
      inventoryOnly.onInventory(new InventoryReader(sim.node, sim.clock).read(Optional.of(next)));
      assertThat(inventoryOnly.verdicts().get(lost).isHealthy())
          .as("no probes run, so a condition's end is enough")
          .isTrue();
    }
  }

  private static Optional<HealthReason> reason(Map<String, HealthState> verdicts, String uuid) {
    return verdicts.get(uuid) instanceof HealthState.Unhealthy bad
        ? Optional.of(bad.reason())
        : Optional.empty();
  }
}
