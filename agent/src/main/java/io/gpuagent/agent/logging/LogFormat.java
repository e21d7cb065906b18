package io.gpuagent.agent.logging;

import java.util.Locale;

/** How log lines look on stderr; the word is the value of {@code log.format}. */
public enum LogFormat {
  /** {@code time level logger [thread] event key="value"…}. */
  TEXT,
  /** One JSON object per line (Logback's JsonEncoder). */
  JSON;

  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }
}
