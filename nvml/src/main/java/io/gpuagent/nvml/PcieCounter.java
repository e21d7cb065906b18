package io.gpuagent.nvml;

/** {@code nvmlPcieUtilCounter_t}. */
public enum PcieCounter {
  TX_BYTES(0),
  RX_BYTES(1);

  private final int code;

  PcieCounter(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
