package io.gpuagent.deviceplugin.sharing;

/** What happens to a process over its pod's memory quota on a shared GPU. */
public enum Enforcement {
  /** A metric and one log line per violation episode. */
  OBSERVE("observe"),
  /** SIGTERM to the offending process, SIGKILL after a grace period; no other process. */
  KILL("kill"),
  /** CUDA MPS enforces the limit; the agent runs one MPS control daemon per shared GPU. */
  MPS("mps");

  private final String word;

  Enforcement(String word) {
    this.word = word;
  }

  public String word() {
    return word;
  }
}
