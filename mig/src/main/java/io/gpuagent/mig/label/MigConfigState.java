package io.gpuagent.mig.label;

import java.util.Map;

/**
 * What the node says about its MIG layout: the state label NVIDIA's mig-manager writes ({@code
 * pending}, {@code success}, {@code failed}), the config it refers to and why, as annotations.
 */
record MigConfigState(Phase phase, String config, String reason) {
  /**
   * Annotations may hold 256 KiB, but a reason is for people reading {@code kubectl describe node}:
   * a long list of refused GPUs is cut here, the full text stays in the agent's log.
   */
  static final int MAX_REASON_CHARS = 1024;

  enum Phase {
    PENDING("pending"),
    SUCCESS("success"),
    FAILED("failed");

    private final String word;

    Phase(String word) {
      this.word = word;
    }

    String word() {
      return word;
    }
  }

  static MigConfigState pending(String config) {
    return new MigConfigState(Phase.PENDING, config, "applying " + config);
  }

  static MigConfigState of(String config, SelectionOutcome outcome) {
    return new MigConfigState(
        outcome.success() ? Phase.SUCCESS : Phase.FAILED, config, outcome.reason());
  }

  /** The reason as written to the annotation: at most {@link #MAX_REASON_CHARS} characters. */
  String trimmedReason() {
    if (reason.length() <= MAX_REASON_CHARS) {
      return reason;
    }
    return reason.substring(0, MAX_REASON_CHARS - 1) + "…";
  }

  /** A JSON merge patch that touches only these keys of the node's metadata. */
  Map<String, Object> mergePatch() {
    return Map.of(
        "metadata",
        Map.of(
            "labels",
            Map.of(NodeLabelSync.STATE_LABEL, phase.word()),
            "annotations",
            Map.of(
                NodeLabelSync.REASON_ANNOTATION,
                trimmedReason(),
                NodeLabelSync.CONFIG_ANNOTATION,
                config)));
  }
}
