package io.gpuagent.mig.label;

import java.util.Objects;

/**
 * How applying a layout went, with a reason a person can act on: "no layout named all-2g", "GPU 1
 * refused: held by pod ml/train-0".
 */
public record SelectionOutcome(boolean success, String reason) {
  public SelectionOutcome {
    Objects.requireNonNull(reason, "reason");
  }

  public static SelectionOutcome success(String reason) {
    return new SelectionOutcome(true, reason);
  }

  public static SelectionOutcome failure(String reason) {
    return new SelectionOutcome(false, reason);
  }
}
