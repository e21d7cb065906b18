package io.gpuagent.exporter.counters;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The DCGM fields gpu-agent reads from NVML, by the names dcgm-exporter's counters files use. Units
 * are DCGM's (MHz, °C, W, mJ, MiB, %, ratios 0–1, bytes per second); the sampler converts NVML's.
 * How each field is read lives in {@code sampling.FieldReadings}, one switch over this enum.
 */
public enum DcgmField {
  SM_CLOCK("DCGM_FI_DEV_SM_CLOCK", Kind.DEVICE),
  MEM_CLOCK("DCGM_FI_DEV_MEM_CLOCK", Kind.DEVICE),
  MEMORY_TEMP("DCGM_FI_DEV_MEMORY_TEMP", Kind.DEVICE),
  GPU_TEMP("DCGM_FI_DEV_GPU_TEMP", Kind.DEVICE),
  POWER_USAGE("DCGM_FI_DEV_POWER_USAGE", Kind.DEVICE),
  POWER_MGMT_LIMIT("DCGM_FI_DEV_POWER_MGMT_LIMIT", Kind.DEVICE),
  TOTAL_ENERGY_CONSUMPTION("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", Kind.DEVICE),
  FAN_SPEED("DCGM_FI_DEV_FAN_SPEED", Kind.DEVICE),
  PCIE_TX_THROUGHPUT("DCGM_FI_DEV_PCIE_TX_THROUGHPUT", Kind.DEVICE),
  PCIE_RX_THROUGHPUT("DCGM_FI_DEV_PCIE_RX_THROUGHPUT", Kind.DEVICE),
  PCIE_REPLAY_COUNTER("DCGM_FI_DEV_PCIE_REPLAY_COUNTER", Kind.DEVICE),
  GPU_UTIL("DCGM_FI_DEV_GPU_UTIL", Kind.DEVICE),
  MEM_COPY_UTIL("DCGM_FI_DEV_MEM_COPY_UTIL", Kind.DEVICE),
  ENC_UTIL("DCGM_FI_DEV_ENC_UTIL", Kind.DEVICE),
  DEC_UTIL("DCGM_FI_DEV_DEC_UTIL", Kind.DEVICE),
  XID_ERRORS("DCGM_FI_DEV_XID_ERRORS", Kind.EVENT),
  FB_TOTAL("DCGM_FI_DEV_FB_TOTAL", Kind.DEVICE_AND_MIG),
  FB_FREE("DCGM_FI_DEV_FB_FREE", Kind.DEVICE_AND_MIG),
  FB_USED("DCGM_FI_DEV_FB_USED", Kind.DEVICE_AND_MIG),
  FB_RESERVED("DCGM_FI_DEV_FB_RESERVED", Kind.DEVICE_AND_MIG),
  ECC_SBE_VOL_TOTAL("DCGM_FI_DEV_ECC_SBE_VOL_TOTAL", Kind.DEVICE),
  ECC_DBE_VOL_TOTAL("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", Kind.DEVICE),
  ECC_SBE_AGG_TOTAL("DCGM_FI_DEV_ECC_SBE_AGG_TOTAL", Kind.DEVICE),
  ECC_DBE_AGG_TOTAL("DCGM_FI_DEV_ECC_DBE_AGG_TOTAL", Kind.DEVICE),
  RETIRED_SBE("DCGM_FI_DEV_RETIRED_SBE", Kind.DEVICE),
  RETIRED_DBE("DCGM_FI_DEV_RETIRED_DBE", Kind.DEVICE),
  RETIRED_PENDING("DCGM_FI_DEV_RETIRED_PENDING", Kind.DEVICE),
  /** A rate in MB/s over the last sample interval, as DCGM reports it despite its name. */
  NVLINK_BANDWIDTH_TOTAL("DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL", Kind.RATE),
  /** NVML has no vGPU licence query in gpu-agent's facade: known, never present. */
  VGPU_LICENSE_STATUS("DCGM_FI_DEV_VGPU_LICENSE_STATUS", Kind.DEVICE),
  UNCORRECTABLE_REMAPPED_ROWS("DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS", Kind.DEVICE),
  CORRECTABLE_REMAPPED_ROWS("DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS", Kind.DEVICE),
  ROW_REMAP_FAILURE("DCGM_FI_DEV_ROW_REMAP_FAILURE", Kind.DEVICE),
  ROW_REMAP_PENDING("DCGM_FI_DEV_ROW_REMAP_PENDING", Kind.DEVICE),
  PROF_GR_ENGINE_ACTIVE("DCGM_FI_PROF_GR_ENGINE_ACTIVE", Kind.RATE),
  PROF_SM_ACTIVE("DCGM_FI_PROF_SM_ACTIVE", Kind.RATE),
  PROF_SM_OCCUPANCY("DCGM_FI_PROF_SM_OCCUPANCY", Kind.RATE),
  PROF_PIPE_TENSOR_ACTIVE("DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", Kind.RATE),
  PROF_DRAM_ACTIVE("DCGM_FI_PROF_DRAM_ACTIVE", Kind.RATE),
  PROF_PIPE_FP64_ACTIVE("DCGM_FI_PROF_PIPE_FP64_ACTIVE", Kind.RATE),
  PROF_PIPE_FP32_ACTIVE("DCGM_FI_PROF_PIPE_FP32_ACTIVE", Kind.RATE),
  PROF_PIPE_FP16_ACTIVE("DCGM_FI_PROF_PIPE_FP16_ACTIVE", Kind.RATE),
  PROF_PCIE_TX_BYTES("DCGM_FI_PROF_PCIE_TX_BYTES", Kind.RATE),
  PROF_PCIE_RX_BYTES("DCGM_FI_PROF_PCIE_RX_BYTES", Kind.RATE),
  DRIVER_VERSION("DCGM_FI_DRIVER_VERSION", Kind.LABEL),
  NVML_VERSION("DCGM_FI_NVML_VERSION", Kind.LABEL),
  DEV_BRAND("DCGM_FI_DEV_BRAND", Kind.LABEL),
  DEV_SERIAL("DCGM_FI_DEV_SERIAL", Kind.LABEL);

  /** Where a field's value comes from. */
  public enum Kind {
    /** Read from the GPU's handle each sample; absent on MIG devices. */
    DEVICE,
    /** Read from the GPU's handle and from each MIG device's own (memory belongs to both). */
    DEVICE_AND_MIG,
    /** Computed between two samples (GPM, NVLink counters): absent until the second sample. */
    RATE,
    /** Kept from NVML events between samples. */
    EVENT,
    /** A device property, exposed as a label on the device's other series. */
    LABEL
  }

  private static final Map<String, DcgmField> BY_NAME =
      Arrays.stream(values())
          .collect(Collectors.toUnmodifiableMap(DcgmField::dcgmName, Function.identity()));

  private final String dcgmName;
  private final Kind kind;

  DcgmField(String dcgmName, Kind kind) {
    this.dcgmName = dcgmName;
    this.kind = kind;
  }

  /** E.g. {@code DCGM_FI_DEV_SM_CLOCK}: the metric name and the counters file's first column. */
  public String dcgmName() {
    return dcgmName;
  }

  public Kind kind() {
    return kind;
  }

  public boolean onMigDevices() {
    return kind == Kind.DEVICE_AND_MIG || kind == Kind.EVENT;
  }

  public static Optional<DcgmField> byName(String dcgmName) {
    return Optional.ofNullable(BY_NAME.get(dcgmName));
  }
}
