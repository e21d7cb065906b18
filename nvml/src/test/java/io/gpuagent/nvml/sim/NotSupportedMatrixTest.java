package io.gpuagent.nvml.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.nvml.ClockType;
import io.gpuagent.nvml.EccCounterType;
import io.gpuagent.nvml.EccErrorType;
import io.gpuagent.nvml.EventType;
import io.gpuagent.nvml.Nvml;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.PcieCounter;
import io.gpuagent.testing.ManualClock;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which queries each model answers and which it answers NOT_SUPPORTED (an empty Optional). */
class NotSupportedMatrixTest {
  private static final String ALL_MODELS =
      """
      gpus:
        - {model: NVIDIA H100 80GB HBM3, busId: "0000:18:00.0", numaNode: 0}
        - {model: NVIDIA A100-SXM4-80GB, busId: "0000:2a:00.0", numaNode: 0}
        - {model: NVIDIA A100-SXM4-40GB, busId: "0000:3a:00.0", numaNode: 0}
        - {model: NVIDIA A100-PCIE-40GB, busId: "0000:5d:00.0", numaNode: 1}
        - {model: NVIDIA L40S, busId: "0000:9a:00.0", numaNode: 1}
      """;

  @TempDir Path dir;

  private final ManualClock clock = new ManualClock();
  private Nvml nvml;

  @BeforeEach
  void start() {
    nvml = SimNodes.started(SimNodes.write(dir, "all-models.yaml", ALL_MODELS).toString(), clock);
  }

  /** One row per model: what is present, "-" where NVML answers NOT_SUPPORTED. */
  @Test
  void eachModelAnswersNotSupportedWhereTheHardwareDoes() {
    assertThat(row(nvml.deviceByIndex(0)))
        .isEqualTo("gpm memTemp nvlink=false retired=- fan=- remap ecc mig");
    assertThat(row(nvml.deviceByIndex(1)))
        .isEqualTo("gpm=- memTemp nvlink=false retired=- fan=- remap ecc mig");
    assertThat(row(nvml.deviceByIndex(2)))
        .isEqualTo("gpm=- memTemp nvlink=false retired=- fan=- remap ecc mig");
    assertThat(row(nvml.deviceByIndex(3)))
        .isEqualTo("gpm=- memTemp nvlink=- retired=- fan=- remap ecc mig");
    assertThat(row(nvml.deviceByIndex(4)))
        .isEqualTo("gpm=- memTemp=- nvlink=- retired=- fan=- remap ecc mig=-");
  }

  @Test
  void everyModelAnswersTheCommonQueries() {
    for (NvmlDevice gpu : nvml.devices()) {
      assertThat(gpu.utilization()).isPresent();
      assertThat(gpu.encoderUtilizationPercent()).contains(0);
      assertThat(gpu.gpuTemperatureCelsius()).isPresent();
      assertThat(gpu.powerUsageMilliwatts()).isPresent();
      assertThat(gpu.powerLimitMilliwatts()).isPresent();
      assertThat(gpu.totalEnergyMillijoules()).isPresent();
      assertThat(gpu.clockMhz(ClockType.SM)).isPresent();
      assertThat(gpu.maxClockMhz(ClockType.MEMORY)).isPresent();
      assertThat(gpu.clockEventReasons()).isPresent();
      assertThat(gpu.pcieThroughputKBps(PcieCounter.RX_BYTES)).isPresent();
      assertThat(gpu.pcieReplayCounter()).isPresent();
      assertThat(gpu.eccErrorCount(EccErrorType.CORRECTED, EccCounterType.AGGREGATE)).contains(0L);
      assertThat(gpu.supportedEventTypes()).contains(EventType.XID_CRITICAL_ERROR);
    }
    assertThat(nvml.deviceByIndex(4).supportedEventTypes())
        .doesNotContain(EventType.MIG_CONFIG_CHANGE);
  }

  @Test
  void gpuInMigModeRefusesUtilizationAndNvlinkButKeepsBoardSensors() {
    NvmlDevice gpu = SimNodes.started("a100-mig", clock).deviceByIndex(0);

    assertThat(gpu.utilization()).isEmpty();
    assertThat(gpu.encoderUtilizationPercent()).isEmpty();
    assertThat(gpu.decoderUtilizationPercent()).isEmpty();
    assertThat(gpu.nvLinkActive(0)).isEmpty();
    assertThat(gpu.nvLinkRemotePciInfo(0)).isEmpty();
    assertThat(gpu.nvLinkThroughput(0)).isEmpty();
    assertThat(gpu.processUtilization(0)).isEmpty();
    assertThat(gpu.powerUsageMilliwatts()).isPresent();
    assertThat(gpu.gpuTemperatureCelsius()).isPresent();
    assertThat(gpu.memoryTemperatureCelsius()).isPresent();
    assertThat(gpu.eccMode()).isPresent();
    assertThat(gpu.memoryInfo().totalBytes()).isEqualTo(81920L << 20);
  }

  @Test
  void migDeviceAnswersMemoryButNotBoardSensors() {
    NvmlDevice mig =
        SimNodes.started("a100-mig", clock).deviceByIndex(0).migDevice(1).orElseThrow();

    assertThat(mig.name()).isEqualTo("NVIDIA A100-SXM4-80GB MIG 2g.20gb");
    assertThat(mig.memoryInfo().totalBytes()).isEqualTo(19968L << 20);
    assertThat(mig.pciInfo().busId()).isEqualTo("00000000:07:00.0");
    assertThat(
            List.of(
                mig.utilization(),
                mig.encoderUtilizationPercent(),
                mig.gpuTemperatureCelsius(),
                mig.memoryTemperatureCelsius(),
                mig.powerUsageMilliwatts(),
                mig.powerLimitMilliwatts(),
                mig.totalEnergyMillijoules(),
                mig.clockMhz(ClockType.SM),
                mig.maxClockMhz(ClockType.SM),
                mig.clockEventReasons(),
                mig.fanSpeedPercent(),
                mig.pcieThroughputKBps(PcieCounter.TX_BYTES),
                mig.pcieReplayCounter(),
                mig.eccMode(),
                mig.eccErrorCount(EccErrorType.UNCORRECTED, EccCounterType.VOLATILE),
                mig.remappedRows(),
                mig.retiredPages(),
                mig.nvLinkActive(0),
                mig.migMode(),
                mig.serial()))
        .containsOnly(Optional.empty());
    assertThat(mig.gpmSupported()).isFalse();
    assertThat(mig.maxMigDeviceCount()).isZero();
    assertThat(mig.supportedEventTypes()).containsExactly(EventType.XID_CRITICAL_ERROR);
  }

  private static String row(NvmlDevice gpu) {
    return String.join(
        " ",
        flag("gpm", gpu.gpmSupported() ? Optional.of(true) : Optional.empty()),
        flag("memTemp", gpu.memoryTemperatureCelsius()),
        gpu.nvLinkActive(0).map(active -> "nvlink=" + active).orElse("nvlink=-"),
        flag("retired", gpu.retiredPages()),
        flag("fan", gpu.fanSpeedPercent()),
        flag("remap", gpu.remappedRows()),
        flag("ecc", gpu.eccMode()),
        flag("mig", gpu.migMode()));
  }

  private static String flag(String name, Optional<?> value) {
    return value.isPresent() ? name : name + "=-";
  }
}
