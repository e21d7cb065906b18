package io.gpuagent.nvml;

import java.util.Arrays;

/** {@code nvmlBrandType_t}. */
public enum Brand {
  UNKNOWN(0),
  QUADRO(1),
  TESLA(2),
  NVS(3),
  GRID(4),
  GEFORCE(5),
  TITAN(6),
  NVIDIA_VAPPS(7),
  NVIDIA_VPC(8),
  NVIDIA_VCS(9),
  NVIDIA_VWS(10),
  NVIDIA_CLOUD_GAMING(11),
  QUADRO_RTX(12),
  NVIDIA_RTX(13),
  NVIDIA(14),
  GEFORCE_RTX(15),
  TITAN_RTX(16);

  private final int code;

  Brand(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The constant for a raw NVML value; values this enum does not know map to UNKNOWN. */
  public static Brand fromCode(int code) {
    return Arrays.stream(values()).filter(v -> v.code == code).findFirst().orElse(UNKNOWN);
  }
}
