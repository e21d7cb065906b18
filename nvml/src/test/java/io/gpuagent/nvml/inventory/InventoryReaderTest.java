package io.gpuagent.nvml.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.nvml.Placement;
import io.gpuagent.nvml.sim.SimFault;
import io.gpuagent.nvml.sim.SimOptions;
import io.gpuagent.nvml.sim.SimulatedNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InventoryReaderTest {
  private static final Clock CLOCK = SimulatedInventories.CLOCK;

  private SimulatedNode node;

  private Inventory read(String profile) {
    SimulatedInventories started = new SimulatedInventories(profile);
    node = started.node;
    return started.current();
  }

  @AfterEach
  void shutdown() {
    node.shutdown();
  }

  @Test
  void readsEveryGpuOfAnH100Node() {
    Inventory inventory = read("h100x8");

    assertThat(inventory.gpus()).hasSize(8);
    assertThat(inventory.lostGpus()).isEmpty();
    assertThat(inventory.gpus()).extracting(Gpu::index).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
    assertThat(inventory.gpus()).extracting(Gpu::uuid).doesNotHaveDuplicates();
    assertThat(inventory.gpus())
        .allSatisfy(
            gpu -> {
              assertThat(gpu.name()).isEqualTo("NVIDIA H100 80GB HBM3");
              assertThat(gpu.memoryTotalBytes()).isEqualTo(85520809984L);
              assertThat(gpu.pciDeviceId()).isEqualTo(0x233010DE);
              assertThat(gpu.migEnabled()).isFalse();
              assertThat(gpu.migDevices()).isEmpty();
            });
    assertThat(inventory.builtAt()).isEqualTo(CLOCK.instant());
  }

  @Test
  void readsMigDevicesWithProfileNamesAndPlacements() {
    Inventory inventory = read("a100-mig");

    Gpu gpu0 = inventory.gpus().get(0);
    assertThat(gpu0.migEnabled()).isTrue();
    assertThat(gpu0.migDevices())
        .extracting(MigDevice::profile, MigDevice::placement)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("2g.20gb", new Placement(0, 2)),
            org.assertj.core.groups.Tuple.tuple("1g.10gb", new Placement(2, 1)),
            org.assertj.core.groups.Tuple.tuple("1g.10gb", new Placement(3, 1)),
            org.assertj.core.groups.Tuple.tuple("3g.40gb", new Placement(4, 4)));
    assertThat(gpu0.migDevices())
        .allSatisfy(
            mig -> {
              assertThat(mig.uuid()).matches("MIG-[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}");
              assertThat(mig.memoryTotalBytes()).isPositive().isLessThan(gpu0.memoryTotalBytes());
            });
    assertThat(inventory.gpus().get(1).migDevices())
        .extracting(MigDevice::profile)
        .containsExactlyInAnyOrder("4g.40gb", "2g.20gb", "1g.10gb");
    assertThat(inventory.gpus().get(2).migEnabled()).isFalse();
    assertThat(inventory.gpus().get(2).migMode()).isPresent();
  }

  @Test
  void gpusWithoutMigHaveNoMigMode() {
    Inventory inventory = read("pcie-mixed");

    assertThat(inventory.gpus())
        .filteredOn(gpu -> gpu.name().contains("L40S"))
        .hasSize(2)
        .allSatisfy(gpu -> assertThat(gpu.migMode()).isEmpty());
  }

  @Test
  void lostGpuIsListedApartAndKeepsItsUuidFromThePreviousInventory() {
    Inventory before = read("h100x8");
    String uuid = before.gpus().get(3).uuid();
    node.inject(uuid, new SimFault.Lost());

    Inventory after = new InventoryReader(node, CLOCK).read(Optional.of(before));

    assertThat(after.gpus()).hasSize(7).extracting(Gpu::uuid).doesNotContain(uuid);
    assertThat(after.lostGpus())
        .singleElement()
        .satisfies(
            lost -> {
              assertThat(lost.index()).isEqualTo(3);
              assertThat(lost.uuid()).contains(uuid);
              assertThat(lost.error().nvmlName()).isEqualTo("NVML_ERROR_GPU_IS_LOST");
            });
    assertThat(after.uuidAt(3)).contains(uuid);
    assertThat(after.knows(uuid)).isTrue();
  }

  @Test
  void simulatedGpusKeepTheirProfileNumaNodesWhateverSysfsSays(@TempDir Path sysfs)
      throws IOException {
    for (String busId : List.of("0000:18:00.0", "0000:2a:00.0", "0000:3a:00.0")) {
      Path device = Files.createDirectories(sysfs.resolve("bus/pci/devices").resolve(busId));
      Files.writeString(device.resolve("numa_node"), "7\n");
    }
    node = SimulatedNode.load("h100x8", new SimOptions("node-a", 7, CLOCK));
    node.init();

    Inventory inventory = new InventoryReader(node, CLOCK, sysfs).read();

    assertThat(inventory.gpus())
        .extracting(gpu -> gpu.numaNode().orElseThrow())
        .containsExactly(0, 0, 0, 0, 1, 1, 1, 1);
  }

  @Test
  void unprivilegedMigGpuStaysWithItsMigDevicesUnknownAndTheProblemNamed() {
    Inventory before = read("a100-mig");
    String uuid = before.gpus().get(0).uuid();
    node.inject(uuid, new SimFault.Unprivileged());

    Inventory after = new InventoryReader(node, CLOCK).read(Optional.of(before));

    assertThat(after.gpus())
        .extracting(Gpu::uuid)
        .containsExactlyElementsOf(before.gpus().stream().map(Gpu::uuid).toList());
    assertThat(after.lostGpus()).isEmpty();
    Gpu gpu0 = after.gpus().get(0);
    assertThat(gpu0.migEnabled()).isTrue();
    assertThat(gpu0.migDevices()).isEmpty();
    assertThat(after.gpus().get(1).migDevices()).isNotEmpty();
    assertThat(after.problems())
        .singleElement()
        .asString()
        .contains(uuid, "NVML_ERROR_NO_PERMISSION", "/dev/nvidia-caps");
  }

  @Test
  void gpuOwningFindsTheParentOfAMigDevice() {
    Inventory inventory = read("a100-mig");
    Gpu gpu1 = inventory.gpus().get(1);
    String migUuid = gpu1.migDevices().get(0).uuid();

    assertThat(inventory.gpuOwning(migUuid)).contains(gpu1);
    assertThat(inventory.gpuOwning("MIG-unknown")).isEmpty();
  }
}
