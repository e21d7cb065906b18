package io.gpuagent.mig;

/**
 * The state of the selected layout: the {@code state} label of {@code gpu_agent_mig_config_state}.
 */
public enum MigState {
  /** Being applied. */
  PENDING("pending"),
  /** Every GPU is in the layout. */
  SUCCESS("success"),
  /** Every GPU is in the layout or waits for a reset to switch MIG mode. */
  PENDING_RESET("pending-reset"),
  /** A GPU refused the layout or failed (and was rolled back). */
  FAILED("failed");

  private final String word;

  MigState(String word) {
    this.word = word;
  }

  public String word() {
    return word;
  }
}
