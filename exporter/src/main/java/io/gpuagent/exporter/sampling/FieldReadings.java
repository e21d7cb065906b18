package io.gpuagent.exporter.sampling;

import io.gpuagent.exporter.counters.DcgmField;
import io.gpuagent.nvml.ClockType;
import io.gpuagent.nvml.EccCounterType;
import io.gpuagent.nvml.EccErrorType;
import io.gpuagent.nvml.GpmMetric;
import io.gpuagent.nvml.MemoryInfo;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.PcieCounter;
import io.gpuagent.nvml.RemappedRows;
import io.gpuagent.nvml.RetiredPages;
import io.gpuagent.nvml.Utilization;
import java.util.Optional;

/**
 * How each DCGM field is read from NVML and turned into DCGM's unit: one switch, so a new field
 * cannot be forgotten. Fields that do not come from a device handle (XID events, labels) read as
 * absent here; the snapshot fills them in.
 */
final class FieldReadings {
  private static final double BYTES_PER_MIB = 1024.0 * 1024.0;

  private FieldReadings() {}

  static Optional<Double> read(DcgmField field, DeviceReader r) {
    return switch (field) {
      case SM_CLOCK -> r.number(d -> d.clockMhz(ClockType.SM));
      case MEM_CLOCK -> r.number(d -> d.clockMhz(ClockType.MEMORY));
      case MEMORY_TEMP -> r.number(NvmlDevice::memoryTemperatureCelsius);
      case GPU_TEMP -> r.number(NvmlDevice::gpuTemperatureCelsius);
      case POWER_USAGE -> r.number(NvmlDevice::powerUsageMilliwatts).map(mw -> mw / 1000);
      case POWER_MGMT_LIMIT -> r.number(NvmlDevice::powerLimitMilliwatts).map(mw -> mw / 1000);
      case TOTAL_ENERGY_CONSUMPTION -> r.number(NvmlDevice::totalEnergyMillijoules);
      case FAN_SPEED -> r.number(NvmlDevice::fanSpeedPercent);
      case PCIE_TX_THROUGHPUT -> r.number(d -> d.pcieThroughputKBps(PcieCounter.TX_BYTES));
      case PCIE_RX_THROUGHPUT -> r.number(d -> d.pcieThroughputKBps(PcieCounter.RX_BYTES));
      case PCIE_REPLAY_COUNTER -> r.number(NvmlDevice::pcieReplayCounter);
      case GPU_UTIL -> r.utilization().map(u -> (double) u.gpuPercent());
      case MEM_COPY_UTIL -> r.utilization().map(Utilization::memoryPercent).map(Double::valueOf);
      case ENC_UTIL -> r.number(NvmlDevice::encoderUtilizationPercent);
      case DEC_UTIL -> r.number(NvmlDevice::decoderUtilizationPercent);
      case FB_TOTAL -> r.memory().map(m -> mib(m.totalBytes()));
      case FB_FREE -> r.memory().map(m -> mib(m.freeBytes()));
      case FB_USED -> r.memory().map(m -> mib(m.usedBytes()));
      case FB_RESERVED -> r.memory().map(MemoryInfo::reservedBytes).map(FieldReadings::mib);
      case ECC_SBE_VOL_TOTAL -> ecc(r, EccErrorType.CORRECTED, EccCounterType.VOLATILE);
      case ECC_DBE_VOL_TOTAL -> ecc(r, EccErrorType.UNCORRECTED, EccCounterType.VOLATILE);
      case ECC_SBE_AGG_TOTAL -> ecc(r, EccErrorType.CORRECTED, EccCounterType.AGGREGATE);
      case ECC_DBE_AGG_TOTAL -> ecc(r, EccErrorType.UNCORRECTED, EccCounterType.AGGREGATE);
      case RETIRED_SBE -> r.retiredPages().map(p -> (double) p.singleBitEcc());
      case RETIRED_DBE -> r.retiredPages().map(p -> (double) p.doubleBitEcc());
      case RETIRED_PENDING -> r.retiredPages().map(RetiredPages::pending).map(FieldReadings::flag);
      case NVLINK_BANDWIDTH_TOTAL -> r.nvLinkMegabytesPerSecond();
      case VGPU_LICENSE_STATUS -> Optional.empty();
      case UNCORRECTABLE_REMAPPED_ROWS ->
          r.remappedRows().map(rows -> (double) rows.uncorrectable());
      case CORRECTABLE_REMAPPED_ROWS -> r.remappedRows().map(rows -> (double) rows.correctable());
      case ROW_REMAP_FAILURE ->
          r.remappedRows().map(RemappedRows::failure).map(FieldReadings::flag);
      case ROW_REMAP_PENDING ->
          r.remappedRows().map(RemappedRows::pending).map(FieldReadings::flag);
      // GPM gives activity in percent and PCIe in MiB/s; DCGM wants ratios and bytes/s.
      case PROF_GR_ENGINE_ACTIVE -> ratio(r, GpmMetric.GRAPHICS_UTIL);
      case PROF_SM_ACTIVE -> ratio(r, GpmMetric.SM_UTIL);
      case PROF_SM_OCCUPANCY -> ratio(r, GpmMetric.SM_OCCUPANCY);
      case PROF_PIPE_TENSOR_ACTIVE -> ratio(r, GpmMetric.ANY_TENSOR_UTIL);
      case PROF_DRAM_ACTIVE -> ratio(r, GpmMetric.DRAM_BW_UTIL);
      case PROF_PIPE_FP64_ACTIVE -> ratio(r, GpmMetric.FP64_UTIL);
      case PROF_PIPE_FP32_ACTIVE -> ratio(r, GpmMetric.FP32_UTIL);
      case PROF_PIPE_FP16_ACTIVE -> ratio(r, GpmMetric.FP16_UTIL);
      case PROF_PCIE_TX_BYTES -> r.gpm(GpmMetric.PCIE_TX_PER_SEC).map(v -> v * BYTES_PER_MIB);
      case PROF_PCIE_RX_BYTES -> r.gpm(GpmMetric.PCIE_RX_PER_SEC).map(v -> v * BYTES_PER_MIB);
      case XID_ERRORS, DRIVER_VERSION, NVML_VERSION, DEV_BRAND, DEV_SERIAL -> Optional.empty();
    };
  }

  private static Optional<Double> ecc(DeviceReader r, EccErrorType error, EccCounterType counter) {
    return r.number(d -> d.eccErrorCount(error, counter));
  }

  private static Optional<Double> ratio(DeviceReader r, GpmMetric metric) {
    return r.gpm(metric).map(percent -> Math.max(0, Math.min(1, percent / 100)));
  }

  /** DCGM reports memory in whole MiB. */
  private static double mib(long bytes) {
    return Math.floor(bytes / BYTES_PER_MIB);
  }

  private static double flag(boolean value) {
    return value ? 1 : 0;
  }
}
