package io.gpuagent.nvml;

/** {@code nvmlMemoryErrorType_t}. */
public enum EccErrorType {
  CORRECTED(0),
  UNCORRECTED(1);

  private final int code;

  EccErrorType(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
