package io.gpuagent.nvml.jna;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpuagent.nvml.ComputeInstance;
import io.gpuagent.nvml.ComputeInstanceInfo;
import io.gpuagent.nvml.ComputeInstanceProfile;
import io.gpuagent.nvml.GpuInstance;
import io.gpuagent.nvml.GpuInstanceInfo;
import io.gpuagent.nvml.GpuInstanceProfile;
import io.gpuagent.nvml.MemoryInfo;
import io.gpuagent.nvml.MigMode;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.NvmlException;
import io.gpuagent.nvml.NvmlReturn;
import io.gpuagent.nvml.Placement;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GPU 1 of the fake runs MIG: GPU instance 1 (3g, CIs 0 and 1) and 7 (1g, CI 0). */
class JnaMigTest {

  private final FakeNvml.Control fake = FakeNvml.control(FakeNvml.library());
  private JnaNvml nvml;
  private NvmlDevice gpu;

  @BeforeEach
  void start() {
    nvml = FakeNvml.freshNvml();
    gpu = nvml.deviceByIndex(FakeNvml.MIG);
  }

  @AfterEach
  void stop() {
    nvml.shutdown();
  }

  private static void assertRefused(ThrowingCallable call, NvmlReturn code) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(NvmlException.class, e -> assertThat(e.code()).isEqualTo(code));
  }

  @Test
  void migDevicesCarryTheirSlotAndInstanceIds() {
    assertThat(gpu.migMode()).contains(new MigMode(true, true));
    assertThat(gpu.maxMigDeviceCount()).isEqualTo(7);
    List<NvmlDevice> migs = gpu.migDevices();

    assertThat(migs).extracting(NvmlDevice::index).containsExactly(0, 1, 2);
    assertThat(migs).extracting(NvmlDevice::gpuInstanceId).containsExactly(1, 1, 7);
    assertThat(migs).extracting(NvmlDevice::computeInstanceId).containsExactly(0, 1, 0);
    assertThat(migs)
        .extracting(NvmlDevice::uuid)
        .containsExactly(
            "MIG-feed0001-0000-4000-8000-000000000001",
            "MIG-feed0001-0001-4000-8000-000000000001",
            "MIG-feed0007-0000-4000-8000-000000000007");
    assertThat(migs).allSatisfy(mig -> assertThat(mig.isMigDevice()).isTrue());
    assertThat(migs).allSatisfy(mig -> assertThat(mig.parent()).isSameAs(gpu));
  }

  @Test
  void emptySlotIsEmpty() {
    assertThat(gpu.migDevice(3)).isEmpty();
    assertThat(gpu.migDevice(6)).isEmpty();
  }

  @Test
  void migDeviceAnswersMemoryAndRefusesGpuWideQueries() {
    NvmlDevice mig = gpu.migDevice(1).orElseThrow();

    assertThat(mig.memoryInfo())
        .isEqualTo(new MemoryInfo(40L << 30, 0, (40L << 30) - (18L << 20), 18L << 20));
    assertThat(mig.name()).isEqualTo("NVIDIA Fake A100-SXM4-80GB MIG gi1 ci1");
    assertThat(mig.utilization()).isEmpty();
    assertThat(mig.gpuTemperatureCelsius()).isEmpty();
    assertThat(mig.maxMigDeviceCount()).isZero();
  }

  @Test
  void migDeviceByUuidFindsItsSlot() {
    NvmlDevice mig = nvml.deviceByUuid("MIG-feed0007-0000-4000-8000-000000000007");

    assertThat(mig.isMigDevice()).isTrue();
    assertThat(mig.index()).isEqualTo(2);
    assertThat(mig.gpuInstanceId()).isEqualTo(7);
    assertThat(mig).isEqualTo(gpu.migDevice(2).orElseThrow());
  }

  @Test
  void instanceIdsOfAPhysicalGpuAreRefused() {
    assertRefused(gpu::gpuInstanceId, NvmlReturn.NOT_SUPPORTED);
    assertRefused(gpu::computeInstanceId, NvmlReturn.NOT_SUPPORTED);
  }

  @Test
  void gpuInstanceProfileFieldsRoundTrip() {
    assertThat(gpu.gpuInstanceProfile(2))
        .contains(new GpuInstanceProfile(9, true, 3, 2, 60, 4, 5, 6, 7, 8, 40448, "MIG 3g.40gb"));
    assertThat(gpu.gpuInstanceProfile(2).orElseThrow().shortName()).isEqualTo("3g.40gb");
  }

  @Test
  void profilesTheGpuDoesNotOfferAreEmpty() {
    assertThat(gpu.gpuInstanceProfile(5)).isEmpty();
    assertThat(gpu.gpuInstanceProfile(0x40)).isEmpty();
    assertThat(gpu.gpuInstanceProfiles())
        .extracting(GpuInstanceProfile::id)
        .containsExactly(19, 14, 9, 5, 0, 20, 15);
  }

  @Test
  void possiblePlacementsRoundTrip() {
    assertThat(gpu.gpuInstancePossiblePlacements(15))
        .containsExactly(
            new Placement(0, 2), new Placement(2, 2), new Placement(4, 2), new Placement(6, 2));
    assertThat(gpu.gpuInstancePossiblePlacements(9))
        .containsExactly(new Placement(0, 4), new Placement(4, 4));
    assertThat(gpu.gpuInstancePossiblePlacements(19)).hasSize(7);
  }

  @Test
  void gpuInstancesAndTheirComputeInstancesRoundTrip() {
    assertThat(gpu.allGpuInstances())
        .extracting(GpuInstance::info)
        .containsExactly(
            new GpuInstanceInfo(7, 19, new Placement(4, 1)),
            new GpuInstanceInfo(1, 9, new Placement(0, 4)));
    GpuInstance three = gpu.gpuInstanceById(1);

    assertThat(three.computeInstances(0))
        .extracting(ComputeInstance::info)
        .containsExactly(new ComputeInstanceInfo(0, 0, 1, new Placement(0, 1)));
    assertThat(three.computeInstances(1))
        .extracting(ComputeInstance::info)
        .containsExactly(new ComputeInstanceInfo(1, 1, 1, new Placement(1, 2)));
    assertThat(three.computeInstances(3)).isEmpty();
  }

  @Test
  void computeInstanceProfileFieldsRoundTrip() {
    GpuInstance three = gpu.gpuInstanceById(1);

    assertThat(three.computeInstanceProfile(2))
        .contains(new ComputeInstanceProfile(2, 3, 1, 60, 11, 12, 13, 14, 15));
    assertThat(three.computeInstanceProfile(0))
        .contains(new ComputeInstanceProfile(0, 1, 3, 20, 11, 12, 13, 14, 15));
    assertThat(three.computeInstanceProfile(3)).isEmpty();
    assertThat(three.computeInstanceProfile(9)).isEmpty();
  }

  @Test
  void createdInstancesBecomeMigDevicesAndAreDestroyedInOrder() {
    GpuInstance created = gpu.createGpuInstance(19, new Placement(5, 1));
    assertThat(created.info()).isEqualTo(new GpuInstanceInfo(8, 19, new Placement(5, 1)));
    ComputeInstance compute = created.createComputeInstance(0);
    assertThat(compute.info()).isEqualTo(new ComputeInstanceInfo(0, 0, 8, new Placement(0, 1)));
    assertThat(gpu.migDevices()).extracting(NvmlDevice::gpuInstanceId).containsExactly(1, 1, 7, 8);

    assertRefused(created::destroy, NvmlReturn.IN_USE);
    compute.destroy();
    created.destroy();

    assertThat(gpu.migDevices()).hasSize(3);
    assertThat(gpu.gpuInstances(19)).hasSize(1);
  }

  @Test
  void createAtFirstFreePlacementSkipsUsedSlices() {
    GpuInstance media = gpu.createGpuInstance(20);

    assertThat(media.info()).isEqualTo(new GpuInstanceInfo(8, 20, new Placement(5, 1)));
    assertRefused(() -> gpu.createGpuInstance(20), NvmlReturn.INSUFFICIENT_RESOURCES);
    media.destroy();
  }

  @Test
  void invalidOrOverlappingPlacementsAreRefused() {
    assertRefused(() -> gpu.createGpuInstance(9, new Placement(2, 4)), NvmlReturn.INVALID_ARGUMENT);
    assertRefused(
        () -> gpu.createGpuInstance(19, new Placement(4, 1)), NvmlReturn.INSUFFICIENT_RESOURCES);
    assertRefused(() -> gpu.createGpuInstance(9), NvmlReturn.INSUFFICIENT_RESOURCES);
    assertRefused(() -> gpu.createGpuInstance(42), NvmlReturn.INVALID_ARGUMENT);
    assertRefused(() -> gpu.gpuInstanceById(3), NvmlReturn.NOT_FOUND);
  }

  @Test
  void fullGpuInstanceRefusesAnotherComputeInstance() {
    assertRefused(
        () -> gpu.gpuInstanceById(1).createComputeInstance(0), NvmlReturn.INSUFFICIENT_RESOURCES);
  }

  @Test
  void instancesWithWorkRefuseToBeDestroyed() {
    GpuInstance one = gpu.gpuInstanceById(7);

    assertRefused(() -> one.computeInstances(0).get(0).destroy(), NvmlReturn.IN_USE);
    assertRefused(one::destroy, NvmlReturn.IN_USE);
  }

  @Test
  void gpuInstancesOnAGpuWithMigOffAreRefused() {
    NvmlDevice migOff = nvml.deviceByIndex(FakeNvml.FULL);

    assertThat(migOff.migMode()).contains(new MigMode(false, false));
    assertThat(migOff.maxMigDeviceCount()).isZero();
    assertThat(migOff.migDevices()).isEmpty();
    assertThat(migOff.gpuInstances(19)).isEmpty();
    assertRefused(() -> migOff.createGpuInstance(19), NvmlReturn.NOT_SUPPORTED);
  }

  @Test
  void migModeChangeWaitsForResetAndIsRefusedWhileProcessesRun() {
    NvmlDevice migOff = nvml.deviceByIndex(FakeNvml.FULL);

    assertRefused(() -> migOff.setMigMode(true), NvmlReturn.IN_USE);
    fake.fake_nvml_clear_processes(FakeNvml.FULL);

    assertThat(migOff.setMigMode(true)).isEqualTo(NvmlReturn.RESET_REQUIRED);
    assertThat(migOff.migMode()).contains(new MigMode(false, true));
    assertThat(migOff.setMigMode(false)).isEqualTo(NvmlReturn.SUCCESS);
  }
}
