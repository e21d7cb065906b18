package io.gpuagent.nvml.sim;

import static io.gpuagent.nvml.sim.MigPlacementTest.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.nvml.Nvml;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.NvmlReturn;
import io.gpuagent.nvml.PciInfo;
import io.gpuagent.nvml.TopologyLevel;
import io.gpuagent.testing.ManualClock;
import org.junit.jupiter.api.Test;

class TopologyTest {
  private final ManualClock clock = new ManualClock();

  @Test
  void h100x8ShowsEveryPcieLevel() {
    Nvml nvml = SimNodes.started("h100x8", clock);

    assertThat(level(nvml, 0, 0)).isEqualTo(TopologyLevel.INTERNAL);
    assertThat(level(nvml, 0, 1)).isEqualTo(TopologyLevel.SINGLE);
    assertThat(level(nvml, 0, 2)).isEqualTo(TopologyLevel.MULTIPLE);
    assertThat(level(nvml, 0, 3)).isEqualTo(TopologyLevel.HOSTBRIDGE);
    assertThat(level(nvml, 4, 6)).isEqualTo(TopologyLevel.NODE);
    assertThat(level(nvml, 0, 4)).isEqualTo(TopologyLevel.SYSTEM);
    assertThat(level(nvml, 6, 7)).isEqualTo(level(nvml, 7, 6));
  }

  @Test
  void h100LinksGoToNvswitchesNotGpus() {
    NvmlDevice gpu = SimNodes.started("h100x8", clock).deviceByIndex(2);

    for (int link = 0; link < 18; link++) {
      PciInfo remote = gpu.nvLinkRemotePciInfo(link).orElseThrow();
      assertThat(remote.pciDeviceId()).isEqualTo(0x22A310DE);
    }
    assertThat(gpu.nvLinkRemotePciInfo(0).orElseThrow().busId()).isEqualTo("00000000:05:00.0");
    assertThat(gpu.nvLinkRemotePciInfo(17).orElseThrow().busId()).isEqualTo("00000000:08:00.0");
    assertRefused(() -> gpu.nvLinkActive(18), NvmlReturn.INVALID_ARGUMENT);
  }

  @Test
  void directNvlinksOfA100GoToThePeerGpus() {
    Nvml nvml = SimNodes.started("a100-mig", clock);
    NvmlDevice gpu = nvml.deviceByIndex(2);

    assertThat(gpu.nvLinkActive(11)).contains(true);
    assertThat(gpu.nvLinkActive(12)).isEmpty();
    assertThat(gpu.nvLinkRemotePciInfo(0)).contains(nvml.deviceByIndex(0).pciInfo());
    assertThat(gpu.nvLinkRemotePciInfo(4)).contains(nvml.deviceByIndex(1).pciInfo());
    assertThat(gpu.nvLinkRemotePciInfo(11)).contains(nvml.deviceByIndex(3).pciInfo());
  }

  @Test
  void migDevicesHaveNoPlaceInTheTopology() {
    Nvml nvml = SimNodes.started("a100-mig", clock);
    NvmlDevice mig = nvml.deviceByIndex(0).migDevice(0).orElseThrow();

    assertRefused(
        () -> nvml.topologyCommonAncestor(mig, nvml.deviceByIndex(1)), NvmlReturn.INVALID_ARGUMENT);
  }

  private static TopologyLevel level(Nvml nvml, int a, int b) {
    return nvml.topologyCommonAncestor(nvml.deviceByIndex(a), nvml.deviceByIndex(b));
  }
}
