package io.gpuagent.exporter.counters;

import java.util.Map;
import java.util.Optional;

/**
 * DCGM and dcgm-exporter field names that counters files in the wild carry but gpu-agent does not
 * read (no NVML source in its facade, or dcgm-exporter's own collectors). A line naming one is
 * skipped with a warning, so users can keep their files; the value says what to use instead.
 */
final class UncollectedFields {
  private static final String NOT_IN_NVML = "not read by gpu-agent";

  private static final Map<String, String> HINTS =
      Map.ofEntries(
          Map.entry("DCGM_FI_DEV_COUNT", "count the gpu label values instead"),
          Map.entry("DCGM_FI_DEV_POWER_VIOLATION", "see gpu_agent_clock_event_reason"),
          Map.entry("DCGM_FI_DEV_THERMAL_VIOLATION", "see gpu_agent_clock_event_reason"),
          Map.entry("DCGM_FI_DEV_SYNC_BOOST_VIOLATION", "see gpu_agent_clock_event_reason"),
          Map.entry("DCGM_FI_DEV_BOARD_LIMIT_VIOLATION", "see gpu_agent_clock_event_reason"),
          Map.entry("DCGM_FI_DEV_LOW_UTIL_VIOLATION", "see gpu_agent_clock_event_reason"),
          Map.entry("DCGM_FI_DEV_RELIABILITY_VIOLATION", "see gpu_agent_clock_event_reason"),
          Map.entry("DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL", NOT_IN_NVML),
          Map.entry("DCGM_FI_DEV_NVLINK_CRC_DATA_ERROR_COUNT_TOTAL", NOT_IN_NVML),
          Map.entry("DCGM_FI_DEV_NVLINK_REPLAY_ERROR_COUNT_TOTAL", NOT_IN_NVML),
          Map.entry("DCGM_FI_DEV_NVLINK_RECOVERY_ERROR_COUNT_TOTAL", NOT_IN_NVML),
          Map.entry("DCGM_FI_DEV_NVLINK_BANDWIDTH_L0", "see DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL"),
          Map.entry("DCGM_FI_PROF_NVLINK_TX_BYTES", "see DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL"),
          Map.entry("DCGM_FI_PROF_NVLINK_RX_BYTES", "see DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL"),
          Map.entry("DCGM_FI_DEV_OEM_INFOROM_VER", NOT_IN_NVML),
          Map.entry("DCGM_FI_DEV_ECC_INFOROM_VER", NOT_IN_NVML),
          Map.entry("DCGM_FI_DEV_POWER_INFOROM_VER", NOT_IN_NVML),
          Map.entry("DCGM_FI_DEV_INFOROM_IMAGE_VER", NOT_IN_NVML),
          Map.entry("DCGM_FI_DEV_VBIOS_VERSION", NOT_IN_NVML),
          Map.entry("DCGM_EXP_CLOCK_EVENTS_COUNT", "see gpu_agent_clock_event_reason"),
          Map.entry("DCGM_EXP_XID_ERRORS_COUNT", "see gpu_agent_xid_errors_total"),
          Map.entry("DCGM_EXP_GPU_HEALTH_STATUS", "see gpu_agent_device_health"),
          Map.entry("DCGM_EXP_P2P_STATUS", NOT_IN_NVML));

  private UncollectedFields() {}

  /** Why the field is skipped, if it is one gpu-agent knows and does not read. */
  static Optional<String> hint(String dcgmName) {
    return Optional.ofNullable(HINTS.get(dcgmName));
  }
}
