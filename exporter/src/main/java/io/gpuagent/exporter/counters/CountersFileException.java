package io.gpuagent.exporter.counters;

/**
 * A counters file gpu-agent cannot use. The message is one line naming the file, the line and the
 * value, fit to print as is before exiting with code 2.
 */
public final class CountersFileException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CountersFileException(String message) {
    super(message);
  }

  public CountersFileException(String message, Throwable cause) {
    super(message, cause);
  }
}
