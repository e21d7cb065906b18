package io.gpuagent.nvml.sim;

import io.gpuagent.nvml.NvmlReturn;

/**
 * The simulated driver saying no from deep inside a call. {@link SimulatedNode#call} turns it into
 * an {@link io.gpuagent.nvml.NvmlException} that names the NVML function being called, so the rules
 * in between need not know which function that was.
 */
final class SimRefusal extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final NvmlReturn code;

  SimRefusal(NvmlReturn code, String detail) {
    super(detail, null, false, false);
    this.code = code;
  }

  NvmlReturn code() {
    return code;
  }
}
