package io.gpuagent.nvml.jna;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpuagent.nvml.GpmMetric;
import io.gpuagent.nvml.GpmSample;
import io.gpuagent.nvml.NvLinkThroughput;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.NvmlException;
import io.gpuagent.nvml.NvmlReturn;
import io.gpuagent.nvml.PciInfo;
import io.gpuagent.nvml.ProcessInfo;
import io.gpuagent.nvml.ProcessUtilization;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** NVLink, compute processes and GPM. */
class JnaWorkloadQueriesTest {

  private final FakeNvml.Control fake = FakeNvml.control(FakeNvml.library());
  private JnaNvml nvml;
  private NvmlDevice gpu;

  @BeforeEach
  void start() {
    nvml = FakeNvml.freshNvml();
    gpu = nvml.deviceByIndex(FakeNvml.FULL);
  }

  @AfterEach
  void stop() {
    nvml.shutdown();
  }

  @Test
  void nvLinkStatesRoundTrip() {
    assertThat(gpu.nvLinkActive(0)).contains(true);
    assertThat(gpu.nvLinkActive(2)).contains(true);
    assertThat(gpu.nvLinkActive(3)).contains(false);
  }

  @Test
  void linkTheGpuDoesNotHaveIsEmpty() {
    assertThat(gpu.nvLinkActive(4)).isEmpty();
    assertThat(gpu.nvLinkRemotePciInfo(4)).isEmpty();
    assertThat(gpu.nvLinkThroughput(4)).isEmpty();
  }

  @Test
  void nvLinkRemotePciInfoRoundTrips() {
    assertThat(gpu.nvLinkRemotePciInfo(2))
        .contains(new PciInfo("00000022:A2:03.0", 0x22, 0xA2, 3, 0x22A510DE, 0x1002));
  }

  @Test
  void nvLinkThroughputReadsBothFieldsOfTheLink() {
    assertThat(gpu.nvLinkThroughput(1))
        .contains(new NvLinkThroughput(0x7100001010L, 0x7200001010L));
    assertThat(fake.fake_nvml_calls("nvmlDeviceGetFieldValues")).isEqualTo(1);
  }

  @Test
  void nvLinkOnAMigGpuIsEmpty() {
    assertThat(nvml.deviceByIndex(FakeNvml.MIG).nvLinkThroughput(0)).isEmpty();
    assertThat(nvml.deviceByIndex(FakeNvml.MIG).nvLinkActive(0)).isEmpty();
  }

  @Test
  void processFieldsRoundTripWithUnavailableMemoryEmpty() {
    assertThat(gpu.computeRunningProcesses())
        .containsExactly(
            new ProcessInfo(4242, Optional.of(0x1234567890L), Optional.empty(), Optional.empty()),
            new ProcessInfo(4343, Optional.empty(), Optional.empty(), Optional.empty()));
  }

  @Test
  void processesOnAMigGpuCarryInstanceIds() {
    assertThat(nvml.deviceByIndex(FakeNvml.MIG).computeRunningProcesses())
        .containsExactly(
            new ProcessInfo(5151, Optional.of(0xABC00000L), Optional.of(1), Optional.of(0)),
            new ProcessInfo(5252, Optional.of(0xDEF00000L), Optional.of(7), Optional.of(0)));
  }

  @Test
  void processesOfAMigDeviceAreOnlyItsOwn() {
    NvmlDevice mig = nvml.deviceByIndex(FakeNvml.MIG).migDevice(2).orElseThrow();

    assertThat(mig.computeRunningProcesses()).extracting(ProcessInfo::pid).containsExactly(5252);
  }

  @Test
  void processesStartingBetweenCountAndReadAreRetried() {
    fake.fake_nvml_grow_processes_after_count(FakeNvml.FULL, 10);

    assertThat(gpu.computeRunningProcesses()).hasSize(12);
    assertThat(fake.fake_nvml_calls("nvmlDeviceGetComputeRunningProcesses_v3")).isEqualTo(3);
  }

  @Test
  void noProcessesIsAnEmptyList() {
    fake.fake_nvml_clear_processes(FakeNvml.FULL);

    assertThat(gpu.computeRunningProcesses()).isEmpty();
  }

  @Test
  void processUtilizationSamplesRoundTrip() {
    assertThat(gpu.processUtilization(0))
        .containsExactly(
            new ProcessUtilization(4242, 1000, 61, 62, 63, 64),
            new ProcessUtilization(4343, 2000, 71, 72, 73, 74));
    assertThat(gpu.processUtilization(1000))
        .extracting(ProcessUtilization::pid)
        .containsExactly(4343);
  }

  @Test
  void noNewerUtilizationSampleIsAnEmptyList() {
    assertThat(gpu.processUtilization(2000)).isEmpty();
    assertThat(nvml.deviceByIndex(FakeNvml.MIG).processUtilization(0)).isEmpty();
  }

  @Test
  void gpmMetricsHaveTheirOwnValuesAndRefusedOnesAreAbsent() {
    assertThat(gpu.gpmSupported()).isTrue();
    try (GpmSample earlier = gpu.gpmSample();
        GpmSample later = gpu.gpmSample()) {
      Map<GpmMetric, Double> metrics =
          gpu.gpmMetrics(
              earlier,
              later,
              EnumSet.of(
                  GpmMetric.GRAPHICS_UTIL,
                  GpmMetric.SM_UTIL,
                  GpmMetric.DRAM_BW_UTIL,
                  GpmMetric.FP16_UTIL,
                  GpmMetric.PCIE_TX_PER_SEC,
                  GpmMetric.PCIE_RX_PER_SEC));

      assertThat(metrics)
          .containsExactlyInAnyOrderEntriesOf(
              Map.of(
                  GpmMetric.GRAPHICS_UTIL, 1.75,
                  GpmMetric.SM_UTIL, 3.0,
                  GpmMetric.DRAM_BW_UTIL, 13.0,
                  GpmMetric.PCIE_TX_PER_SEC, 25.5,
                  GpmMetric.PCIE_RX_PER_SEC, 26.75));
      assertThat(fake.fake_nvml_live_gpm_samples()).isEqualTo(2);
    }
    assertThat(fake.fake_nvml_live_gpm_samples()).isZero();
  }

  @Test
  void gpmSampleOnAGpuWithoutGpmThrowsAndLeaksNothing() {
    NvmlDevice mig = nvml.deviceByIndex(FakeNvml.MIG);

    assertThat(mig.gpmSupported()).isFalse();
    assertThatThrownBy(mig::gpmSample)
        .isInstanceOfSatisfying(
            NvmlException.class, e -> assertThat(e.code()).isEqualTo(NvmlReturn.NOT_SUPPORTED));
    assertThat(fake.fake_nvml_live_gpm_samples()).isZero();
  }

  @Test
  void closingAGpmSampleTwiceFreesItOnce() {
    GpmSample sample = gpu.gpmSample();

    sample.close();
    sample.close();

    assertThat(fake.fake_nvml_calls("nvmlGpmSampleFree")).isEqualTo(1);
  }
}
