package io.gpuagent.nvml.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.nvml.Architecture;
import io.gpuagent.nvml.Nvml;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.testing.ManualClock;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class BuiltInProfilesTest {
  private static final String GPU_UUID =
      "GPU-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
  private static final String MIG_UUID =
      "MIG-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

  private final ManualClock clock = new ManualClock();

  @Test
  void builtInProfilesAreListedSorted() {
    assertThat(SimulatedNode.builtInProfiles())
        .containsExactly("a100-mig", "h100x8", "h100x8-shared", "pcie-mixed");
  }

  @Test
  void h100x8HasEightH100WithTheirMemoryAndNvlinks() {
    Nvml nvml = SimNodes.started("h100x8", clock);

    assertThat(nvml.deviceCount()).isEqualTo(8);
    assertThat(nvml.driverVersion()).isEqualTo("550.54.15");
    assertThat(nvml.nvmlVersion()).isEqualTo("12.550.54.15");
    assertThat(nvml.cudaDriverVersion()).isEqualTo(12040);
    for (NvmlDevice gpu : nvml.devices()) {
      assertThat(gpu.name()).isEqualTo("NVIDIA H100 80GB HBM3");
      assertThat(gpu.architecture()).isEqualTo(Architecture.HOPPER);
      assertThat(gpu.cudaComputeCapability().toString()).isEqualTo("9.0");
      assertThat(gpu.pciInfo().pciDeviceId()).isEqualTo(0x233010DE);
      assertThat(gpu.memoryInfo().totalBytes()).isEqualTo(85_520_809_984L);
      assertThat(gpu.nvLinkActive(17)).contains(true);
      assertThat(gpu.migMode()).hasValueSatisfying(mode -> assertThat(mode.current()).isFalse());
    }
    assertThat(nvml.deviceByIndex(0).pciInfo().busId()).isEqualTo("00000000:18:00.0");
    assertThat(nvml.devices().stream().map(d -> d.numaNode().orElseThrow()))
        .containsExactly(0, 0, 0, 0, 1, 1, 1, 1);
  }

  @Test
  void a100MigHasTwoGpusInMigModeWithTheirLayouts() {
    Nvml nvml = SimNodes.started("a100-mig", clock);

    assertThat(nvml.deviceCount()).isEqualTo(4);
    NvmlDevice gpu0 = nvml.deviceByIndex(0);
    NvmlDevice gpu1 = nvml.deviceByIndex(1);
    assertThat(gpu0.memoryInfo().totalBytes()).isEqualTo(81920L << 20);
    assertThat(migNames(gpu0))
        .containsExactlyInAnyOrder(
            "NVIDIA A100-SXM4-80GB MIG 2g.20gb",
            "NVIDIA A100-SXM4-80GB MIG 1g.10gb",
            "NVIDIA A100-SXM4-80GB MIG 1g.10gb",
            "NVIDIA A100-SXM4-80GB MIG 3g.40gb");
    assertThat(migNames(gpu1))
        .containsExactlyInAnyOrder(
            "NVIDIA A100-SXM4-80GB MIG 4g.40gb",
            "NVIDIA A100-SXM4-80GB MIG 2g.20gb",
            "NVIDIA A100-SXM4-80GB MIG 1g.10gb");
    assertThat(nvml.deviceByIndex(2).migMode())
        .hasValueSatisfying(m -> assertThat(m.current()).isFalse());
    assertThat(nvml.deviceByIndex(2).migDevices()).isEmpty();
    assertThat(gpu0.maxMigDeviceCount()).isEqualTo(7);
  }

  @Test
  void migDevicesOfA100MigHaveTheirInstanceMemoryAndIds() {
    Nvml nvml = SimNodes.started("a100-mig", clock);

    List<NvmlDevice> migs = nvml.deviceByIndex(0).migDevices();

    // Slot order follows GPU-instance ids: 3g@4 is id 2, 2g@0 is 3, 1g@2 is 9, 1g@3 is 10.
    assertThat(migs.stream().map(NvmlDevice::gpuInstanceId)).containsExactly(2, 3, 9, 10);
    assertThat(migs.stream().map(m -> m.memoryInfo().totalBytes() >> 20))
        .containsExactly(40192L, 19968L, 9728L, 9728L);
    assertThat(migs).allSatisfy(m -> assertThat(m.computeInstanceId()).isZero());
    assertThat(migs).allSatisfy(m -> assertThat(m.parent()).isEqualTo(nvml.deviceByIndex(0)));
    assertThat(migs).allSatisfy(m -> assertThat(m.uuid()).matches(MIG_UUID));
    assertThat(migs).allSatisfy(m -> assertThat(m.isMigDevice()).isTrue());
  }

  @Test
  void pcieMixedHasTwoL40sAndTwoA100PcieWithoutNvlink() {
    Nvml nvml = SimNodes.started("pcie-mixed", clock);

    assertThat(nvml.devices().stream().map(NvmlDevice::name))
        .containsExactly(
            "NVIDIA L40S", "NVIDIA A100-PCIE-40GB", "NVIDIA L40S", "NVIDIA A100-PCIE-40GB");
    assertThat(nvml.deviceByIndex(0).memoryInfo().totalBytes()).isEqualTo(46068L << 20);
    assertThat(nvml.deviceByIndex(1).memoryInfo().totalBytes()).isEqualTo(40960L << 20);
    assertThat(nvml.devices()).allSatisfy(d -> assertThat(d.nvLinkActive(0)).isEmpty());
  }

  @Test
  void uuidsAndSerialsLookRealAndStayStableForProfileSeedAndNode() {
    List<String> first = uuids(SimNodes.started("h100x8", clock));
    List<String> again = uuids(SimNodes.started("h100x8", clock));
    SimulatedNode other =
        SimNodes.started("h100x8", new SimOptions("other-node", SimNodes.SEED, clock));

    assertThat(first)
        .allSatisfy(uuid -> assertThat(uuid).matches(GPU_UUID))
        .doesNotHaveDuplicates();
    assertThat(again).isEqualTo(first);
    assertThat(uuids(other)).doesNotContainAnyElementsOf(first);
    assertThat(other.deviceByIndex(0).serial().orElseThrow()).matches("\\d{13}");
  }

  @Test
  void migUuidsAreStableAndFoundByUuid() {
    SimulatedNode node = SimNodes.started("a100-mig", clock);
    SimulatedNode same = SimNodes.started("a100-mig", clock);
    NvmlDevice mig = node.deviceByIndex(1).migDevice(0).orElseThrow();

    assertThat(same.deviceByIndex(1).migDevice(0).orElseThrow().uuid()).isEqualTo(mig.uuid());
    assertThat(node.deviceByUuid(mig.uuid())).isEqualTo(mig);
    assertThat(node.deviceByUuid(mig.uuid()).isMigDevice()).isTrue();
    assertThat(node.deviceByUuid(node.deviceByIndex(3).uuid())).isSameAs(node.deviceByIndex(3));
  }

  private static List<String> uuids(Nvml nvml) {
    return nvml.devices().stream().map(NvmlDevice::uuid).toList();
  }

  private static Stream<String> migNames(NvmlDevice gpu) {
    return gpu.migDevices().stream().map(NvmlDevice::name);
  }
}
