package io.gpuagent.nvml;

/**
 * An NVML call that did not succeed. NOT_SUPPORTED is never thrown: the facade answers an empty
 * {@code Optional} instead, because many fields are unsupported on many GPUs.
 */
public class NvmlException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final NvmlReturn code;
  private final String function;

  public NvmlException(String function, NvmlReturn code) {
    this(function, code, function + " failed: " + code.nvmlName() + " (" + code.code() + ")");
  }

  public NvmlException(String function, NvmlReturn code, String message) {
    super(message);
    this.code = code;
    this.function = function;
  }

  public NvmlReturn code() {
    return code;
  }

  /** The NVML function that failed, e.g. {@code nvmlDeviceGetMemoryInfo_v2}. */
  public String function() {
    return function;
  }

  /** True when the device is gone (fallen off the bus, reset required): mark it lost. */
  public boolean isDeviceLost() {
    return code.meansDeviceLost();
  }
}
