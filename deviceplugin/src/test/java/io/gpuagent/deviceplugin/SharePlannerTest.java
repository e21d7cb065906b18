package io.gpuagent.deviceplugin;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.deviceplugin.sharing.Enforcement;
import io.gpuagent.deviceplugin.sharing.GpuSelector;
import io.gpuagent.deviceplugin.sharing.SharingConfig;
import io.gpuagent.deviceplugin.sharing.SharingMode;
import io.gpuagent.deviceplugin.sharing.SharingRule;
import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.nvml.inventory.MigDevice;
import io.gpuagent.nvml.inventory.SimulatedInventories;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SharePlannerTest {
  private static final long GIB = 1L << 30;

  private static SharingRule slices(GpuSelector select, long reserve) {
    return new SharingRule(select, SharingMode.MEMORY_SLICES, GIB, reserve, Enforcement.OBSERVE, 0);
  }

  private static ResourcePlan plan(
      MigStrategy strategy,
      Inventory inventory,
      Map<String, String> renames,
      SharingRule... rules) {
    return new ResourcePlanner(
            DevicePluginConfig.defaults()
                .withMigStrategy(strategy)
                .withResourceNames("nvidia.com", renames)
                .withSharing(SharingConfig.of(List.of(rules))))
        .plan(inventory, Optional.empty());
  }

  private static Map<String, Integer> counts(ResourcePlan plan) {
    Map<String, Integer> counts = new java.util.TreeMap<>();
    plan.resources().forEach(r -> counts.put(r.name(), r.devices().size()));
    return counts;
  }

  @Test
  void aMigDeviceSelectedByUuidIsSlicedAloneAndLeavesItsProfileResource() {
    Inventory inventory = new SimulatedInventories("a100-mig").current();
    MigDevice tenGb =
        inventory.gpus().get(0).migDevices().stream()
            .filter(m -> m.profile().equals("1g.10gb"))
            .findFirst()
            .orElseThrow();

    ResourcePlan plan =
        plan(
            MigStrategy.MIXED,
            inventory,
            Map.of(),
            slices(new GpuSelector.Uuids(List.of(tenGb.uuid())), 0));

    long expected = tenGb.memoryTotalBytes() / GIB;
    assertThat(counts(plan))
        .containsEntry("nvidia.com/gpu-memory", (int) expected)
        .containsEntry("nvidia.com/mig-1g.10gb", 2);
    assertThat(plan.shared()).containsOnlyKeys(tenGb.uuid());
    assertThat(plan.resources().stream().filter(r -> r.name().endsWith("gpu-memory")).findFirst())
        .get()
        .satisfies(
            r ->
                assertThat(r.devices())
                    .allSatisfy(
                        d -> {
                          assertThat(d.id()).startsWith(tenGb.uuid() + "::");
                          assertThat(d.mig()).isPresent();
                        }));
    assertThat(plan.problems()).isEmpty();
  }

  @Test
  void aMigGpuSelectedByIndexHasEachOfItsInstancesSliced() {
    Inventory inventory = new SimulatedInventories("a100-mig").current();
    Gpu gpu0 = inventory.gpus().get(0);

    ResourcePlan plan =
        plan(
            MigStrategy.MIXED, inventory, Map.of(), slices(new GpuSelector.Indexes(List.of(0)), 0));

    assertThat(plan.shared().keySet())
        .containsExactlyInAnyOrderElementsOf(
            gpu0.migDevices().stream().map(MigDevice::uuid).toList());
    assertThat(counts(plan).get("nvidia.com/gpu-memory"))
        .isEqualTo(
            gpu0.migDevices().stream().mapToInt(m -> (int) (m.memoryTotalBytes() / GIB)).sum());
  }

  @Test
  void theSliceResourceIsRenamedLikeTheOthers() {
    ResourcePlan plan =
        plan(
            MigStrategy.NONE,
            new SimulatedInventories("h100x8").current(),
            Map.of("gpu-memory", "gpu-mem-h100"),
            slices(new GpuSelector.Indexes(List.of(0)), 0));

    assertThat(counts(plan))
        .containsEntry("nvidia.com/gpu-mem-h100", 79)
        .containsEntry("nvidia.com/gpu", 7);
    assertThat(plan.shared().values())
        .allMatch(s -> s.resource().equals("nvidia.com/gpu-mem-h100"));
  }

  @Test
  void whatTheInventoryMakesImpossibleIsAProblemAndTheGpuStaysWhole() {
    Inventory inventory = new SimulatedInventories("h100x8").current();

    ResourcePlan plan =
        plan(
            MigStrategy.NONE,
            inventory,
            Map.of(),
            slices(new GpuSelector.Indexes(List.of(9)), 0),
            slices(new GpuSelector.Indexes(List.of(0)), 80 * GIB),
            slices(new GpuSelector.Indexes(List.of(1)), 0),
            new SharingRule(
                new GpuSelector.Model("NVIDIA H100 80GB HBM3"),
                SharingMode.REPLICAS,
                0,
                0,
                Enforcement.OBSERVE,
                2));

    String gpu0 = inventory.gpus().get(0).uuid();
    String gpu1 = inventory.gpus().get(1).uuid();
    assertThat(plan.problems())
        .containsExactly(
            "GPU 0 "
                + gpu0
                + " is selected by sharing.gpus items 2 and 4: a GPU is shared in one"
                + " mode, so it is advertised exclusive",
            "GPU 1 "
                + gpu1
                + " is selected by sharing.gpus items 3 and 4: a GPU is shared in one"
                + " mode, so it is advertised exclusive",
            "sharing.gpus item 1 {indexes: [9]} selects no GPU or MIG device of this node");
    assertThat(counts(plan)).containsExactly(Map.entry("nvidia.com/gpu", 2 + 6 * 2));

    ResourcePlan tooMuchReserve =
        plan(
            MigStrategy.NONE,
            inventory,
            Map.of(),
            slices(new GpuSelector.Indexes(List.of(0)), 80 * GIB));
    assertThat(tooMuchReserve.problems())
        .containsExactly(
            "GPU 0 "
                + gpu0
                + " has 81559 MiB: reserve 81920 MiB leaves no slice of 1024 MiB"
                + " (sharing.gpus item 1), so it is advertised exclusive");
    assertThat(tooMuchReserve.shared()).isEmpty();
  }
}
