package io.gpuagent.nvml;

import java.util.Arrays;

/** {@code nvmlComputeMode_t}. */
public enum ComputeMode {
  DEFAULT(0),
  EXCLUSIVE_THREAD(1),
  PROHIBITED(2),
  EXCLUSIVE_PROCESS(3),
  UNKNOWN(-2);

  private final int code;

  ComputeMode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The constant for a raw NVML value; values this enum does not know map to UNKNOWN. */
  public static ComputeMode fromCode(int code) {
    return Arrays.stream(values()).filter(v -> v.code == code).findFirst().orElse(UNKNOWN);
  }
}
