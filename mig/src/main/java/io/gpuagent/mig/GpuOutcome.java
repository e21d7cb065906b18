package io.gpuagent.mig;

/**
 * What an apply did to one GPU, with its layout afterwards.
 *
 * @param reason one line: what changed, or why not
 */
public record GpuOutcome(int index, String uuid, Outcome outcome, String reason, GpuLayout layout) {

  /** The result for one GPU; also the {@code outcome} label of the per-GPU metric. */
  public enum Outcome {
    /** No entry of the layout selects the GPU. */
    KEPT("kept", true),
    /** Already in the wanted layout; not touched. */
    UNCHANGED("unchanged", true),
    /** Re-laid out. */
    APPLIED("applied", true),
    /** MIG mode is set and waits for a GPU reset (not allowed or not possible now). */
    PENDING_RESET("pending-reset", false),
    /** The hardware cannot take the layout, or the GPU is in use: nothing changed. */
    REFUSED("refused", false),
    /** A step failed; the GPU was rolled back to its previous layout. */
    FAILED("failed", false);

    private final String word;
    private final boolean success;

    Outcome(String word, boolean success) {
      this.word = word;
      this.success = success;
    }

    public String word() {
      return word;
    }

    public boolean success() {
      return success;
    }
  }
}
