package io.gpuagent.nvml;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** NVML's return codes ({@code nvmlReturn_t}), with NVML's names and numbers. */
public enum NvmlReturn {
  SUCCESS(0),
  UNINITIALIZED(1),
  INVALID_ARGUMENT(2),
  NOT_SUPPORTED(3),
  NO_PERMISSION(4),
  ALREADY_INITIALIZED(5),
  NOT_FOUND(6),
  INSUFFICIENT_SIZE(7),
  INSUFFICIENT_POWER(8),
  DRIVER_NOT_LOADED(9),
  TIMEOUT(10),
  IRQ_ISSUE(11),
  LIBRARY_NOT_FOUND(12),
  FUNCTION_NOT_FOUND(13),
  CORRUPTED_INFOROM(14),
  GPU_IS_LOST(15),
  RESET_REQUIRED(16),
  OPERATING_SYSTEM(17),
  LIB_RM_VERSION_MISMATCH(18),
  IN_USE(19),
  MEMORY(20),
  NO_DATA(21),
  VGPU_ECC_NOT_SUPPORTED(22),
  INSUFFICIENT_RESOURCES(23),
  FREQ_NOT_SUPPORTED(24),
  ARGUMENT_VERSION_MISMATCH(25),
  DEPRECATED(26),
  NOT_READY(27),
  GPU_NOT_FOUND(28),
  INVALID_STATE(29),
  UNKNOWN(999);

  private static final Map<Integer, NvmlReturn> BY_CODE =
      Arrays.stream(values())
          .collect(Collectors.toUnmodifiableMap(r -> r.code, Function.identity()));

  private final int code;

  NvmlReturn(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The constant for a raw NVML code; codes this enum does not know map to {@link #UNKNOWN}. */
  public static NvmlReturn fromCode(int code) {
    return BY_CODE.getOrDefault(code, UNKNOWN);
  }

  /** NVML's own spelling, e.g. {@code NVML_ERROR_GPU_IS_LOST}, as it appears in driver logs. */
  public String nvmlName() {
    return this == SUCCESS ? "NVML_SUCCESS" : "NVML_ERROR_" + name();
  }

  /** True when the device behind a handle is gone and must be treated as lost until a reset. */
  public boolean meansDeviceLost() {
    return this == GPU_IS_LOST || this == GPU_NOT_FOUND || this == RESET_REQUIRED;
  }
}
