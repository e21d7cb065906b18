package io.gpuagent.config;

/**
 * A user mistake in configuration (file, environment or flags). Its message is the one line the
 * agent prints before exiting with code 2: it names the source, the key and the value.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }
}
