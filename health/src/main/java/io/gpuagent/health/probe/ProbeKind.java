package io.gpuagent.health.probe;

import java.util.Locale;

/** What a probe exercises. */
public enum ProbeKind {
  /** Writes patterns to device memory and reads them back. */
  MEMORY,
  /** Runs a small kernel with a known answer. */
  COMPUTE;

  /** The word used on the probe command line, {@code memory} or {@code compute}. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * @throws IllegalArgumentException naming the word when it is neither {@code memory} nor {@code
   *     compute}
   */
  public static ProbeKind fromWord(String word) {
    for (ProbeKind kind : values()) {
      if (kind.word().equals(word)) {
        return kind;
      }
    }
    throw new IllegalArgumentException(
        "probe kind must be memory or compute, got \"" + word + "\"");
  }
}
