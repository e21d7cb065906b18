package io.gpuagent.mig.label;

/**
 * Applies a named MIG layout to this node and says how it went: the one thing node-label mode needs
 * from the MIG manager, which implements it.
 */
public interface LayoutSelector {
  /**
   * Applies the layout {@code layoutName} of the MIG config in force and returns when it is done
   * (or refused). It blocks, possibly for minutes (a drain waits for pods), and is idempotent: a
   * GPU already in the layout is not touched, so applying the layout in force again is cheap.
   */
  SelectionOutcome select(String layoutName);
}
