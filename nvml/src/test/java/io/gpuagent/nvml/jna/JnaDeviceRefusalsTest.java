package io.gpuagent.nvml.jna;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpuagent.nvml.ClockType;
import io.gpuagent.nvml.ComputeMode;
import io.gpuagent.nvml.EccCounterType;
import io.gpuagent.nvml.EccErrorType;
import io.gpuagent.nvml.EventSet;
import io.gpuagent.nvml.EventType;
import io.gpuagent.nvml.MemoryInfo;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.NvmlException;
import io.gpuagent.nvml.NvmlReturn;
import io.gpuagent.nvml.PcieCounter;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GPU 2 answers NOT_SUPPORTED for nearly everything; GPU 3 has fallen off the bus. */
class JnaDeviceRefusalsTest {

  private JnaNvml nvml;

  @BeforeEach
  void start() {
    nvml = FakeNvml.freshNvml();
  }

  @AfterEach
  void stop() {
    nvml.shutdown();
  }

  @Test
  void notSupportedFieldsAreEmpty() {
    NvmlDevice gpu = nvml.deviceByIndex(FakeNvml.UNSUPPORTED);

    assertThat(gpu.serial()).isEmpty();
    assertThat(gpu.numaNode()).isEmpty();
    assertThat(gpu.utilization()).isEmpty();
    assertThat(gpu.encoderUtilizationPercent()).isEmpty();
    assertThat(gpu.decoderUtilizationPercent()).isEmpty();
    assertThat(gpu.gpuTemperatureCelsius()).isEmpty();
    assertThat(gpu.memoryTemperatureCelsius()).isEmpty();
    assertThat(gpu.powerUsageMilliwatts()).isEmpty();
    assertThat(gpu.powerLimitMilliwatts()).isEmpty();
    assertThat(gpu.totalEnergyMillijoules()).isEmpty();
    assertThat(gpu.clockMhz(ClockType.SM)).isEmpty();
    assertThat(gpu.maxClockMhz(ClockType.SM)).isEmpty();
    assertThat(gpu.clockEventReasons()).isEmpty();
    assertThat(gpu.fanSpeedPercent()).isEmpty();
    assertThat(gpu.pcieThroughputKBps(PcieCounter.TX_BYTES)).isEmpty();
    assertThat(gpu.pcieReplayCounter()).isEmpty();
    assertThat(gpu.eccMode()).isEmpty();
    assertThat(gpu.eccErrorCount(EccErrorType.CORRECTED, EccCounterType.VOLATILE)).isEmpty();
    assertThat(gpu.retiredPages()).isEmpty();
    assertThat(gpu.remappedRows()).isEmpty();
  }

  @Test
  void notSupportedListsAndModesAreEmpty() {
    NvmlDevice gpu = nvml.deviceByIndex(FakeNvml.UNSUPPORTED);

    assertThat(gpu.nvLinkActive(0)).isEmpty();
    assertThat(gpu.nvLinkRemotePciInfo(0)).isEmpty();
    assertThat(gpu.nvLinkThroughput(0)).isEmpty();
    assertThat(gpu.computeRunningProcesses()).isEmpty();
    assertThat(gpu.processUtilization(0)).isEmpty();
    assertThat(gpu.computeMode()).isEqualTo(ComputeMode.UNKNOWN);
    assertThat(gpu.gpmSupported()).isFalse();
    assertThat(gpu.migMode()).isEmpty();
    assertThat(gpu.setMigMode(true)).isEqualTo(NvmlReturn.NOT_SUPPORTED);
    assertThat(gpu.maxMigDeviceCount()).isZero();
    assertThat(gpu.migDevice(0)).isEmpty();
    assertThat(gpu.gpuInstanceProfiles()).isEmpty();
    assertThat(gpu.gpuInstancePossiblePlacements(19)).isEmpty();
    assertThat(gpu.gpuInstances(19)).isEmpty();
    assertThat(gpu.supportedEventTypes()).isEmpty();
  }

  @Test
  void requiredFieldsStillAnswerOnALimitedGpu() {
    NvmlDevice gpu = nvml.deviceByIndex(FakeNvml.UNSUPPORTED);

    assertThat(gpu.name()).isEqualTo("NVIDIA Fake GPU without features");
    assertThat(gpu.memoryInfo()).isEqualTo(new MemoryInfo(16L << 30, 0, 15L << 30, 1L << 30));
  }

  @Test
  void lostGpuKeepsItsIdentity() {
    NvmlDevice lost = nvml.deviceByIndex(FakeNvml.LOST);

    assertThat(lost.uuid()).isEqualTo("GPU-3d3d3d3d-3333-4333-8333-333333333333");
    assertThat(lost.index()).isEqualTo(3);
    assertThat(lost.isMigDevice()).isFalse();
  }

  @Test
  void lostGpuThrowsDeviceLost() {
    NvmlDevice lost = nvml.deviceByIndex(FakeNvml.LOST);
    NvmlDevice healthy = nvml.deviceByIndex(FakeNvml.FULL);
    Map<String, ThrowingCallable> calls =
        Map.ofEntries(
            Map.entry("nvmlDeviceGetName", lost::name),
            Map.entry("nvmlDeviceGetPciInfo_v3", lost::pciInfo),
            Map.entry("nvmlDeviceGetMemoryInfo_v2", lost::memoryInfo),
            Map.entry("nvmlDeviceGetUtilizationRates", lost::utilization),
            Map.entry("nvmlDeviceGetTemperature", lost::gpuTemperatureCelsius),
            Map.entry("nvmlDeviceGetFieldValues", lost::memoryTemperatureCelsius),
            Map.entry("nvmlDeviceGetPowerUsage", lost::powerUsageMilliwatts),
            Map.entry(
                "nvmlDeviceGetTotalEccErrors",
                () -> lost.eccErrorCount(EccErrorType.UNCORRECTED, EccCounterType.VOLATILE)),
            Map.entry("nvmlDeviceGetRemappedRows", lost::remappedRows),
            Map.entry("nvmlDeviceGetNvLinkState", () -> lost.nvLinkActive(0)),
            Map.entry("nvmlDeviceGetComputeRunningProcesses_v3", lost::computeRunningProcesses),
            Map.entry("nvmlDeviceGetMigMode", lost::migMode),
            Map.entry("nvmlGpmQueryDeviceSupport", lost::gpmSupported),
            Map.entry("nvmlDeviceGetSupportedEventTypes", lost::supportedEventTypes),
            Map.entry(
                "nvmlDeviceGetTopologyCommonAncestor",
                () -> nvml.topologyCommonAncestor(healthy, lost)));

    calls.forEach(
        (function, call) ->
            assertThatThrownBy(call)
                .as(function)
                .isInstanceOfSatisfying(
                    NvmlException.class,
                    e -> {
                      assertThat(e.isDeviceLost()).isTrue();
                      assertThat(e.code()).isEqualTo(NvmlReturn.GPU_IS_LOST);
                      assertThat(e.function()).isEqualTo(function);
                    }));
  }

  @Test
  void registeringEventsOnALostGpuThrowsDeviceLost() {
    NvmlDevice lost = nvml.deviceByIndex(FakeNvml.LOST);

    try (EventSet events = nvml.createEventSet()) {
      assertThatThrownBy(() -> lost.registerEvents(events, Set.of(EventType.XID_CRITICAL_ERROR)))
          .isInstanceOfSatisfying(NvmlException.class, e -> assertThat(e.isDeviceLost()).isTrue());
    }
  }
}
