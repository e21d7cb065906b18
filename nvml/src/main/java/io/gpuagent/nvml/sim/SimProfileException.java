package io.gpuagent.nvml.sim;

/**
 * A simulator profile (or GPU model file) that cannot be used. The message is one line naming the
 * file or built-in profile and the offending key and value, e.g. {@code profile h100x8.yaml:
 * gpus[2].model: unknown GPU model 'H200' (known: …)}.
 */
public final class SimProfileException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SimProfileException(String message) {
    super(message);
  }

  public SimProfileException(String message, Throwable cause) {
    super(message, cause);
  }
}
