package io.gpuagent.nvml;

import java.util.Arrays;

/** {@code nvmlDeviceArchitecture_t}. */
public enum Architecture {
  KEPLER(2),
  MAXWELL(3),
  PASCAL(4),
  VOLTA(5),
  TURING(6),
  AMPERE(7),
  ADA(8),
  HOPPER(9),
  BLACKWELL(10),
  UNKNOWN(0xffffffff);

  private final int code;

  Architecture(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The constant for a raw NVML value; values this enum does not know map to UNKNOWN. */
  public static Architecture fromCode(int code) {
    return Arrays.stream(values()).filter(v -> v.code == code).findFirst().orElse(UNKNOWN);
  }
}
