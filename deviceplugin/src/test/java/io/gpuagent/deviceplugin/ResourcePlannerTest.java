package io.gpuagent.deviceplugin;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.nvml.inventory.SimulatedInventories;
import io.gpuagent.nvml.sim.SimFault;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ResourcePlannerTest {

  private static ResourcePlan plan(MigStrategy strategy, Inventory inventory) {
    return new ResourcePlanner(DevicePluginConfig.defaults().withMigStrategy(strategy))
        .plan(inventory, Optional.empty());
  }

  private static List<String> names(ResourcePlan plan) {
    return plan.resources().stream().map(PlannedResource::name).toList();
  }

  private static List<String> ids(PlannedResource resource) {
    return resource.devices().stream().map(PlannedDevice::id).toList();
  }

  @Test
  void noneAdvertisesEveryH100AsGpuWithItsNumaNode() {
    Inventory inventory = new SimulatedInventories("h100x8").current();

    ResourcePlan plan = plan(MigStrategy.NONE, inventory);

    assertThat(names(plan)).containsExactly("nvidia.com/gpu");
    PlannedResource gpus = plan.resources().get(0);
    assertThat(ids(gpus))
        .containsExactlyElementsOf(inventory.gpus().stream().map(Gpu::uuid).toList());
    assertThat(gpus.devices())
        .extracting(PlannedDevice::numaNode)
        .containsExactly(
            Optional.of(0),
            Optional.of(0),
            Optional.of(0),
            Optional.of(0),
            Optional.of(1),
            Optional.of(1),
            Optional.of(1),
            Optional.of(1));
    assertThat(gpus.devices()).allSatisfy(device -> assertThat(device.id()).hasSizeLessThan(64));
    assertThat(plan.problems()).isEmpty();
  }

  @Test
  void noneAdvertisesMigGpusWhole() {
    ResourcePlan plan = plan(MigStrategy.NONE, new SimulatedInventories("a100-mig").current());

    assertThat(names(plan)).containsExactly("nvidia.com/gpu");
    assertThat(plan.resources().get(0).devices()).hasSize(4).allMatch(d -> d.mig().isEmpty());
  }

  @Test
  void mixedAdvertisesOneResourcePerMigProfileAndNonMigGpusAsGpu() {
    Inventory inventory = new SimulatedInventories("a100-mig").current();

    ResourcePlan plan = plan(MigStrategy.MIXED, inventory);

    assertThat(names(plan))
        .containsExactly(
            "nvidia.com/gpu",
            "nvidia.com/mig-1g.10gb",
            "nvidia.com/mig-2g.20gb",
            "nvidia.com/mig-3g.40gb",
            "nvidia.com/mig-4g.40gb");
    assertThat(ids(plan.resources().get(0)))
        .containsExactly(inventory.gpus().get(2).uuid(), inventory.gpus().get(3).uuid());
    assertThat(plan.resources().get(1).devices())
        .hasSize(3)
        .allSatisfy(device -> assertThat(device.id()).startsWith("MIG-"))
        .extracting(PlannedDevice::gpuIndex)
        .containsExactly(0, 0, 1);
    assertThat(plan.resources().get(2).devices()).hasSize(2);
    assertThat(plan.resources().get(3).devices()).hasSize(1);
    assertThat(plan.resources().get(4).devices()).hasSize(1);
    assertThat(plan.problems()).isEmpty();
  }

  @Test
  void singleAdvertisesMigDevicesOfOneProfileAsGpu() {
    Inventory inventory =
        new SimulatedInventories(SimulatedInventories.testProfile("a100-single")).current();

    ResourcePlan plan = plan(MigStrategy.SINGLE, inventory);

    assertThat(names(plan)).containsExactly("nvidia.com/gpu");
    assertThat(plan.resources().get(0).devices())
        .hasSize(4)
        .allSatisfy(device -> assertThat(device.mig()).isPresent());
    assertThat(plan.problems()).isEmpty();
  }

  @Test
  void singleRefusesANodeWithMixedProfilesAndMigDisabledGpus() {
    Inventory inventory = new SimulatedInventories("a100-mig").current();

    ResourcePlan plan = plan(MigStrategy.SINGLE, inventory);

    assertThat(plan.resources()).isEmpty();
    assertThat(plan.problems()).hasSize(1);
    assertThat(plan.problems().get(0))
        .contains("mig strategy single")
        .contains("GPU 2 " + inventory.gpus().get(2).uuid() + " has MIG disabled")
        .contains("MIG profiles 1g.10gb, 2g.20gb, 3g.40gb, 4g.40gb are mixed")
        .doesNotContain("\n");
  }

  @Test
  void singleOnANodeWithoutMigAdvertisesWholeGpus() {
    ResourcePlan plan = plan(MigStrategy.SINGLE, new SimulatedInventories("h100x8").current());

    assertThat(plan.resources().get(0).devices()).hasSize(8);
    assertThat(plan.problems()).isEmpty();
  }

  @Test
  void prefixAndRenamesApplyToEveryResource() {
    DevicePluginConfig config =
        DevicePluginConfig.defaults()
            .withMigStrategy(MigStrategy.MIXED)
            .withResourceNames("example.com", Map.of("gpu", "a100", "mig-1g.10gb", "small"));

    ResourcePlan plan =
        new ResourcePlanner(config)
            .plan(new SimulatedInventories("a100-mig").current(), Optional.empty());

    // Listed by the names before renames: gpu first, then the MIG profiles.
    assertThat(names(plan))
        .containsExactly(
            "example.com/a100",
            "example.com/small",
            "example.com/mig-2g.20gb",
            "example.com/mig-3g.40gb",
            "example.com/mig-4g.40gb");
  }

  @Test
  void renamingTwoResourcesToOneNameIsAProblem() {
    DevicePluginConfig config =
        DevicePluginConfig.defaults()
            .withMigStrategy(MigStrategy.MIXED)
            .withResourceNames("nvidia.com", Map.of("mig-1g.10gb", "gpu"));

    ResourcePlan plan =
        new ResourcePlanner(config)
            .plan(new SimulatedInventories("a100-mig").current(), Optional.empty());

    assertThat(names(plan)).containsOnlyOnce("nvidia.com/gpu");
    assertThat(plan.problems()).singleElement().asString().contains("same name nvidia.com/gpu");
  }

  @Test
  void aLostGpuStaysAdvertised() {
    SimulatedInventories node = new SimulatedInventories("h100x8");
    ResourcePlanner planner = new ResourcePlanner(DevicePluginConfig.defaults());
    ResourcePlan before = planner.plan(node.current(), Optional.empty());
    String lostUuid = node.current().gpus().get(3).uuid();

    node.node.inject(lostUuid, new SimFault.Lost());
    ResourcePlan after = planner.plan(node.reread(), Optional.of(before));

    PlannedDevice lost = after.device(lostUuid).orElseThrow();
    assertThat(lost.lost()).isTrue();
    assertThat(lost.numaNode()).isEqualTo(Optional.of(0));
    assertThat(ids(after.resources().get(0)))
        .containsExactlyElementsOf(ids(before.resources().get(0)));
  }

  @Test
  void migDevicesOfALostGpuStayInTheirResources() {
    SimulatedInventories node = new SimulatedInventories("a100-mig");
    ResourcePlanner planner =
        new ResourcePlanner(DevicePluginConfig.defaults().withMigStrategy(MigStrategy.MIXED));
    ResourcePlan before = planner.plan(node.current(), Optional.empty());
    Gpu gpu0 = node.current().gpus().get(0);

    node.node.inject(gpu0.uuid(), new SimFault.Lost());
    ResourcePlan after = planner.plan(node.reread(), Optional.of(before));
    ResourcePlan later = planner.plan(node.reread(), Optional.of(after));

    assertThat(names(after)).isEqualTo(names(before));
    for (var mig : gpu0.migDevices()) {
      PlannedDevice device = later.device(mig.uuid()).orElseThrow();
      assertThat(device.lost()).isTrue();
      assertThat(after.device(mig.uuid()).orElseThrow().lost()).isTrue();
    }
  }
}
