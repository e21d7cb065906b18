package io.gpuagent.nvml.sim;

import static io.gpuagent.nvml.sim.MigPlacementTest.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpuagent.nvml.ComputeInstance;
import io.gpuagent.nvml.ComputeInstanceProfile;
import io.gpuagent.nvml.GpuInstance;
import io.gpuagent.nvml.MigMode;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.NvmlException;
import io.gpuagent.nvml.NvmlReturn;
import io.gpuagent.nvml.Placement;
import io.gpuagent.testing.ManualClock;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MIG mode changes, instance lifetimes and stale handles. */
class MigLifecycleTest {
  @TempDir Path dir;

  private final ManualClock clock = new ManualClock();
  private final SimulatedNode node = SimNodes.started("a100-mig", clock);

  @Test
  void migModeChangeIsPendingUntilTheGpuIsReset() {
    NvmlDevice gpu = node.deviceByIndex(2);

    assertThat(gpu.setMigMode(true)).isEqualTo(NvmlReturn.RESET_REQUIRED);
    assertThat(gpu.migMode()).contains(new MigMode(false, true));
    assertThat(gpu.maxMigDeviceCount()).isZero();
    assertThat(gpu.gpuInstanceProfiles()).isEmpty();
    assertRefused(() -> gpu.createGpuInstance(19), NvmlReturn.NOT_SUPPORTED);

    node.resetGpu(gpu.uuid());

    assertThat(gpu.migMode()).contains(new MigMode(true, true));
    assertThat(gpu.maxMigDeviceCount()).isEqualTo(7);
    assertThat(gpu.gpuInstanceProfiles()).hasSize(7);
    assertThat(gpu.setMigMode(true)).isEqualTo(NvmlReturn.SUCCESS);
  }

  @Test
  void migModeChangeAndResetAreRefusedWhileProcessesRun() {
    NvmlDevice gpu = node.deviceByIndex(2);
    node.inject(gpu.uuid(), new SimFault.Process(4242, 1L << 30, 50));

    assertRefused(() -> gpu.setMigMode(true), NvmlReturn.IN_USE);
    assertThatThrownBy(() -> node.resetGpu(gpu.uuid()))
        .isInstanceOfSatisfying(
            NvmlException.class, e -> assertThat(e.code()).isEqualTo(NvmlReturn.IN_USE));
    assertThat(gpu.migMode()).contains(new MigMode(false, false));

    node.clearFaults(gpu.uuid());
    assertThat(gpu.setMigMode(true)).isEqualTo(NvmlReturn.RESET_REQUIRED);
  }

  @Test
  void resetWipesTheMigLayoutAndStaleHandlesAnswerInvalidArgument() {
    NvmlDevice gpu = node.deviceByIndex(0);
    NvmlDevice mig = gpu.migDevice(0).orElseThrow();
    GpuInstance gi = gpu.gpuInstanceById(mig.gpuInstanceId());

    node.resetGpu(gpu.uuid());

    assertThat(gpu.migDevices()).isEmpty();
    assertThat(gpu.allGpuInstances()).isEmpty();
    assertRefused(gi::info, NvmlReturn.INVALID_ARGUMENT);
    assertRefused(mig::memoryInfo, NvmlReturn.INVALID_ARGUMENT);
    assertThat(mig.uuid()).startsWith("MIG-");
    assertRefused(() -> node.deviceByUuid(mig.uuid()), NvmlReturn.NOT_FOUND);
  }

  @Test
  void gpuInstanceWithComputeInstancesCannotBeDestroyed() {
    NvmlDevice gpu = node.deviceByIndex(1);
    GpuInstance gi = gpu.gpuInstanceById(gpu.migDevice(0).orElseThrow().gpuInstanceId());

    assertRefused(gi::destroy, NvmlReturn.IN_USE);

    ComputeInstance ci =
        gi.computeInstances(gi.computeInstanceProfile(3).orElseThrow().id()).get(0);
    ci.destroy();
    gi.destroy();
    assertRefused(gi::info, NvmlReturn.INVALID_ARGUMENT);
    assertRefused(ci::info, NvmlReturn.INVALID_ARGUMENT);
    assertRefused(() -> gpu.gpuInstanceById(1), NvmlReturn.NOT_FOUND);
  }

  @Test
  void computeInstanceWithAProcessCannotBeDestroyed() {
    NvmlDevice gpu = node.deviceByIndex(0);
    NvmlDevice mig = gpu.migDevice(0).orElseThrow();
    GpuInstance gi = gpu.gpuInstanceById(mig.gpuInstanceId());
    ComputeInstance ci = gi.computeInstances(2).get(0);
    node.inject(mig.uuid(), new SimFault.Process(7, 1L << 30, 80));

    assertRefused(ci::destroy, NvmlReturn.IN_USE);
    assertRefused(gi::destroy, NvmlReturn.IN_USE);

    node.clearFaults(mig.uuid());
    ci.destroy();
    assertRefused(mig::name, NvmlReturn.INVALID_ARGUMENT);
    assertRefused(() -> node.deviceByUuid(mig.uuid()), NvmlReturn.NOT_FOUND);
  }

  @Test
  void computeSlicesOfAGpuInstanceCannotBeOversubscribed() {
    NvmlDevice gpu = SimNodes.emptyMigGpu(dir, "NVIDIA A100-SXM4-80GB", clock).deviceByIndex(0);
    GpuInstance gi = gpu.createGpuInstance(9, new Placement(0, 4));

    assertThat(gi.computeInstanceProfile(0).map(ComputeInstanceProfile::instanceCount)).contains(3);
    assertThat(gi.computeInstanceProfile(2).map(ComputeInstanceProfile::multiprocessorCount))
        .contains(42);
    assertThat(gi.computeInstanceProfile(3)).isEmpty();
    assertThat(gi.computeInstanceProfile(4)).isEmpty();
    gi.createComputeInstance(1);
    gi.createComputeInstance(0);

    assertRefused(() -> gi.createComputeInstance(0), NvmlReturn.INSUFFICIENT_RESOURCES);
    assertRefused(() -> gi.createComputeInstance(4), NvmlReturn.NOT_SUPPORTED);
    assertThat(gpu.migDevices().stream().map(NvmlDevice::name))
        .containsExactly(
            "NVIDIA A100-SXM4-80GB MIG 2c.3g.40gb", "NVIDIA A100-SXM4-80GB MIG 1c.3g.40gb");
    assertThat(gpu.migDevices())
        .allSatisfy(m -> assertThat(m.memoryInfo().totalBytes()).isEqualTo(40192L << 20));
  }

  @Test
  void gpuWithoutMigAnswersLikeHardware() {
    SimulatedNode mixed = SimNodes.started("pcie-mixed", clock);
    NvmlDevice l40s = mixed.deviceByIndex(0);

    assertThat(l40s.migMode()).isEmpty();
    assertThat(l40s.maxMigDeviceCount()).isZero();
    assertThat(l40s.migDevices()).isEmpty();
    assertThat(l40s.gpuInstanceProfiles()).isEmpty();
    assertThat(l40s.gpuInstancePossiblePlacements(19)).isEmpty();
    assertRefused(() -> l40s.createGpuInstance(19), NvmlReturn.NOT_SUPPORTED);
    assertRefused(() -> l40s.setMigMode(true), NvmlReturn.NOT_SUPPORTED);
    assertRefused(l40s::gpuInstanceId, NvmlReturn.INVALID_ARGUMENT);
  }

  @Test
  void migCapableGpuWithMigOffRefusesCreationButListsPlacements() {
    NvmlDevice gpu = node.deviceByIndex(3);

    assertRefused(() -> gpu.createGpuInstance(19, new Placement(0, 1)), NvmlReturn.NOT_SUPPORTED);
    assertRefused(() -> gpu.gpuInstanceById(7), NvmlReturn.NOT_SUPPORTED);
    assertThat(gpu.gpuInstancePossiblePlacements(9))
        .containsExactly(new Placement(0, 4), new Placement(4, 4));
    assertThat(gpu.gpuInstances(19)).isEmpty();
  }

  @Test
  void creatingAndDestroyingInstancesMakesAndRemovesMigDevices() {
    NvmlDevice gpu = node.deviceByIndex(1);
    assertRefused(() -> gpu.createGpuInstance(19), NvmlReturn.INSUFFICIENT_RESOURCES);
    GpuInstance oneSlice = gpu.gpuInstanceById(13);
    oneSlice.computeInstances(0).get(0).destroy();
    oneSlice.destroy();
    assertThat(gpu.migDevices()).hasSize(2);

    GpuInstance gi = gpu.createGpuInstance(19);
    ComputeInstance ci = gi.createComputeInstance(0);
    NvmlDevice mig = node.deviceByUuid(gpu.migDevices().get(2).uuid());

    assertThat(gi.info().placement()).isEqualTo(new Placement(6, 1));
    assertThat(gi.info().id()).isEqualTo(13);
    assertThat(gpu.migDevices()).hasSize(3);
    assertThat(mig.gpuInstanceId()).isEqualTo(13);
    assertThat(mig.computeInstanceId()).isEqualTo(ci.info().id());
    assertThat(mig.name()).isEqualTo("NVIDIA A100-SXM4-80GB MIG 1g.10gb");
  }
}
