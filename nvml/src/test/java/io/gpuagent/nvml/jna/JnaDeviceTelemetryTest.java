package io.gpuagent.nvml.jna;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.nvml.Architecture;
import io.gpuagent.nvml.Brand;
import io.gpuagent.nvml.ClockEventReasons;
import io.gpuagent.nvml.ClockEventReasons.Reason;
import io.gpuagent.nvml.ClockType;
import io.gpuagent.nvml.ComputeCapability;
import io.gpuagent.nvml.ComputeMode;
import io.gpuagent.nvml.EccCounterType;
import io.gpuagent.nvml.EccErrorType;
import io.gpuagent.nvml.EccMode;
import io.gpuagent.nvml.MemoryInfo;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.PciInfo;
import io.gpuagent.nvml.PcieCounter;
import io.gpuagent.nvml.RemappedRows;
import io.gpuagent.nvml.RetiredPages;
import io.gpuagent.nvml.Utilization;
import java.util.EnumSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GPU 0 of the fake gives every field its own value, so a misread struct field shows. */
class JnaDeviceTelemetryTest {

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
  void identityRoundTrips() {
    assertThat(gpu.uuid()).isEqualTo("GPU-0a0a0a0a-0000-4000-8000-000000000000");
    assertThat(gpu.index()).isZero();
    assertThat(gpu.brand()).isEqualTo(Brand.NVIDIA);
    assertThat(gpu.architecture()).isEqualTo(Architecture.HOPPER);
    assertThat(gpu.cudaComputeCapability()).isEqualTo(new ComputeCapability(9, 3));
    assertThat(gpu.minorNumber()).isEqualTo(7);
    assertThat(gpu.numaNode()).contains(3);
    assertThat(gpu.isMigDevice()).isFalse();
  }

  @Test
  void nameLongerThanTheOldBufferIsReadWhole() {
    assertThat(gpu.name())
        .isEqualTo("NVIDIA Fake H100 80GB HBM3 with a deliberately long name for buffer tests")
        .hasSizeGreaterThan(64);
  }

  @Test
  void serialLongerThanNvmlsBufferIsReadOnRetry() {
    assertThat(gpu.serial()).contains("SN-0123456789-ABCDEFGHIJ-KLMNOPQRSTUVWXYZ");
    assertThat(fake.fake_nvml_calls("nvmlDeviceGetSerial")).isEqualTo(2);
  }

  @Test
  void pciInfoFieldsRoundTrip() {
    assertThat(gpu.pciInfo())
        .isEqualTo(new PciInfo("00000011:1A:03.0", 0x11, 0x1A, 0x03, 0x233010DE, 0x16C110DE));
  }

  @Test
  void memoryInfoFieldsRoundTrip() {
    assertThat(gpu.memoryInfo())
        .isEqualTo(new MemoryInfo(0x1111111111L, 0x22222222L, 0x333333333L, 0x444444444L));
  }

  @Test
  void utilizationRoundTrips() {
    assertThat(gpu.utilization()).contains(new Utilization(87, 54));
    assertThat(gpu.encoderUtilizationPercent()).contains(12);
    assertThat(gpu.decoderUtilizationPercent()).contains(23);
  }

  @Test
  void thermalsAndPowerRoundTrip() {
    assertThat(gpu.gpuTemperatureCelsius()).contains(45);
    assertThat(gpu.memoryTemperatureCelsius()).contains(71);
    assertThat(gpu.powerUsageMilliwatts()).contains(312345);
    assertThat(gpu.powerLimitMilliwatts()).contains(700001);
    assertThat(gpu.totalEnergyMillijoules()).contains(0x123456789L);
    assertThat(gpu.fanSpeedPercent()).contains(37);
  }

  @Test
  void clocksOfEveryTypeRoundTrip() {
    assertThat(gpu.clockMhz(ClockType.GRAPHICS)).contains(1000);
    assertThat(gpu.clockMhz(ClockType.SM)).contains(1111);
    assertThat(gpu.clockMhz(ClockType.MEMORY)).contains(1222);
    assertThat(gpu.clockMhz(ClockType.VIDEO)).contains(1333);
    assertThat(gpu.maxClockMhz(ClockType.GRAPHICS)).contains(2000);
    assertThat(gpu.maxClockMhz(ClockType.VIDEO)).contains(2333);
  }

  @Test
  void clockEventReasonsUseTheCurrentSymbol() {
    assertThat(gpu.clockEventReasons())
        .map(ClockEventReasons::reasons)
        .contains(EnumSet.of(Reason.GPU_IDLE, Reason.SW_POWER_CAP, Reason.HW_THERMAL_SLOWDOWN));
    assertThat(fake.fake_nvml_calls("nvmlDeviceGetCurrentClocksEventReasons")).isEqualTo(1);
    assertThat(fake.fake_nvml_calls("nvmlDeviceGetCurrentClocksThrottleReasons")).isZero();
  }

  @Test
  void pcieCountersRoundTrip() {
    assertThat(gpu.pcieThroughputKBps(PcieCounter.TX_BYTES)).contains(0x1A2B);
    assertThat(gpu.pcieThroughputKBps(PcieCounter.RX_BYTES)).contains(0x3C4D);
    assertThat(gpu.pcieReplayCounter()).contains(77);
  }

  @Test
  void eccModeAndCountsRoundTrip() {
    assertThat(gpu.eccMode()).contains(new EccMode(true, false));
    assertThat(gpu.eccErrorCount(EccErrorType.CORRECTED, EccCounterType.VOLATILE))
        .contains(0x100000007L);
    assertThat(gpu.eccErrorCount(EccErrorType.CORRECTED, EccCounterType.AGGREGATE))
        .contains(0x100000017L);
    assertThat(gpu.eccErrorCount(EccErrorType.UNCORRECTED, EccCounterType.VOLATILE))
        .contains(0x200000007L);
    assertThat(gpu.eccErrorCount(EccErrorType.UNCORRECTED, EccCounterType.AGGREGATE))
        .contains(0x200000017L);
  }

  @Test
  void retiredPagesAreCountedForBothCauses() {
    assertThat(gpu.retiredPages()).contains(new RetiredPages(3, 5, true));
  }

  @Test
  void remappedRowsRoundTrip() {
    assertThat(gpu.remappedRows()).contains(new RemappedRows(11, 12, true, false));
    assertThat(nvml.deviceByIndex(FakeNvml.MIG).remappedRows())
        .contains(new RemappedRows(21, 22, false, true));
  }

  @Test
  void computeModeRoundTrips() {
    assertThat(gpu.computeMode()).isEqualTo(ComputeMode.EXCLUSIVE_PROCESS);
  }

  @Test
  void oldDriverWithoutNewerSymbolsFallsBack() {
    FakeNvml.Control oldFake = FakeNvml.control(FakeNvml.oldDriverLibrary());
    oldFake.fake_nvml_reset();
    try (JnaNvml old = new JnaNvml(FakeNvml.oldDriverLibrary())) {
      old.init();
      NvmlDevice oldGpu = old.deviceByIndex(FakeNvml.FULL);

      assertThat(oldGpu.numaNode()).isEmpty();
      assertThat(oldGpu.clockEventReasons())
          .map(ClockEventReasons::reasons)
          .contains(EnumSet.of(Reason.HW_SLOWDOWN, Reason.SW_THERMAL_SLOWDOWN));
      assertThat(oldFake.fake_nvml_calls("nvmlDeviceGetCurrentClocksThrottleReasons")).isEqualTo(1);
    }
  }
}
