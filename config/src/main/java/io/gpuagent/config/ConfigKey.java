package io.gpuagent.config;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One configuration key: its dotted path in the YAML file, its type (which holds its rule), its
 * default and what it does. The module that uses a key declares it, once. The environment variable
 * name is derived: {@code metrics.interval} → {@code GPU_AGENT_METRICS_INTERVAL}, {@code nodeName}
 * → {@code GPU_AGENT_NODE_NAME}.
 *
 * @param defaultValue empty when the loader supplies one at run time (the node name: the host name)
 */
public record ConfigKey<T>(
    String path, ValueType<T> type, Optional<T> defaultValue, String description) {

  public static final String ENV_PREFIX = "GPU_AGENT_";

  public ConfigKey {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(description, "description");
    if (!path.matches("[a-z][A-Za-z0-9]*(\\.[a-z][A-Za-z0-9]*)*")) {
      throw new IllegalArgumentException("not a key path: " + path);
    }
    defaultValue.ifPresent(type::check);
  }

  /** The key {@code prefix.name} (just {@code name} when the prefix is empty). */
  public static <T> ConfigKey<T> of(
      String prefix, String name, ValueType<T> type, T defaultValue, String description) {
    return new ConfigKey<>(
        prefix.isEmpty() ? name : prefix + "." + name,
        type,
        Optional.of(defaultValue),
        description);
  }

  public String envName() {
    String snake = path.replace('.', '_').replaceAll("([a-z0-9])([A-Z])", "$1_$2");
    return ENV_PREFIX + snake.toUpperCase(Locale.ROOT);
  }

  /**
   * {@code value} if it meets this key's rule, else {@link IllegalArgumentException} naming the key
   * and the value: the same rule a config file meets, for values built in code.
   */
  public T check(T value) {
    Objects.requireNonNull(value, path);
    try {
      type.check(value);
      return value;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "key '" + path + "': value '" + type.format(value) + "' " + e.getMessage(), e);
    }
  }

  /**
   * Keys are equal when their paths are: a path names one key (a schema refuses a second). Written
   * out rather than the record's own, which hashes every component, the type's and the default's
   * too, through method handles the JVM generates classes for at the first call (~20 per record).
   */
  @Override
  public boolean equals(Object other) {
    return other instanceof ConfigKey<?> key && path.equals(key.path);
  }

  @Override
  public int hashCode() {
    return path.hashCode();
  }

  /** The default as written in a config file; empty when the default is chosen at run time. */
  public Optional<String> formattedDefault() {
    return defaultValue.map(type::format);
  }
}
