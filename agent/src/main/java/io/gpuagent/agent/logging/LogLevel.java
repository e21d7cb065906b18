package io.gpuagent.agent.logging;

import ch.qos.logback.classic.Level;
import java.util.Locale;

/** The least severe level logged; the word is the value of {@code log.level}. */
public enum LogLevel {
  ERROR(Level.ERROR),
  WARN(Level.WARN),
  INFO(Level.INFO),
  DEBUG(Level.DEBUG),
  TRACE(Level.TRACE);

  private final Level logback;

  LogLevel(Level logback) {
    this.logback = logback;
  }

  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  Level logback() {
    return logback;
  }
}
