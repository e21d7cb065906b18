package io.gpuagent.mig;

import java.util.List;

/**
 * What a layout means for one GPU: keep it (no entry selects it), nothing to do, a change (with the
 * solved instances), or a refusal with the hardware's reason.
 *
 * @param migEnabled the MIG mode the layout wants (the current one when kept)
 * @param instances the instances the layout wants, placed (empty when MIG is off or refused)
 * @param reason why, one line
 */
public record GpuPlan(
    GpuLayout current,
    Action action,
    boolean migEnabled,
    List<MigInstance> instances,
    String reason) {

  /** What the plan does to the GPU. */
  public enum Action {
    /** No entry of the layout selects this GPU: it is left alone. */
    KEEP("keep"),
    /** Already in the wanted layout: not touched. */
    UNCHANGED("unchanged"),
    /** The layout changes: drain, re-lay out, re-advertise. */
    CHANGE("change"),
    /** The hardware cannot take the layout: nothing is done. */
    REFUSE("refuse");

    private final String word;

    Action(String word) {
      this.word = word;
    }

    public String word() {
      return word;
    }
  }

  public GpuPlan {
    instances = List.copyOf(instances);
  }

  /** Whether the change switches MIG mode, which takes effect only at a GPU reset. */
  public boolean changesMode() {
    return action == Action.CHANGE && current.migEnabled() != migEnabled;
  }
}
