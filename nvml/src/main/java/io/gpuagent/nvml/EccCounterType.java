package io.gpuagent.nvml;

/** {@code nvmlEccCounterType_t}: since the driver loaded, or over the GPU's lifetime. */
public enum EccCounterType {
  VOLATILE(0),
  AGGREGATE(1);

  private final int code;

  EccCounterType(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
