package io.gpuagent.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The typed values of configuration keys, each remembering where it came from (a file, an
 * environment variable, a flag), so that a module can refuse a value with one line naming the
 * source, the key and the value. A key nobody set reads as its default.
 */
public final class ConfigValues {
  /**
   * @param source e.g. {@code /etc/gpu-agent.yaml}, {@code environment GPU_AGENT_X}, {@code flag
   *     --x}
   */
  private record Entry(Object value, Object raw, String source) {}

  private final Map<ConfigKey<?>, Entry> entries;

  private ConfigValues(Map<ConfigKey<?>, Entry> entries) {
    this.entries = Map.copyOf(entries);
  }

  /** Every key at its default: what a module's {@code defaults()} is built from. */
  public static ConfigValues defaults() {
    return new ConfigValues(Map.of());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The value of {@code key}: as set, else its default. */
  @SuppressWarnings("unchecked") // entries are stored by the key that parsed them
  public <T> T get(ConfigKey<T> key) {
    Entry entry = entries.get(key);
    if (entry != null) {
      return (T) entry.value();
    }
    return key.defaultValue()
        .orElseThrow(() -> new IllegalStateException("key " + key.path() + " has no value"));
  }

  /**
   * The error for a value of {@code key} that its module refuses: {@code "<source>: key 'k': value
   * 'v' <reason>"}, the same line the loader writes for a value of the wrong type.
   */
  public ConfigException invalid(ConfigKey<?> key, String reason) {
    Entry entry = entries.get(key);
    String raw = entry == null ? key.formattedDefault().orElse("") : String.valueOf(entry.raw());
    return new ConfigException(
        (entry == null ? "" : entry.source() + ": ")
            + "key '"
            + key.path()
            + "': value '"
            + raw
            + "' "
            + reason);
  }

  /** Collects values from lowest to highest precedence: a later {@code set} wins. */
  public static final class Builder {
    private final Map<ConfigKey<?>, Entry> entries = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Parses {@code raw} (a YAML value or a string) as {@code key}'s type.
     *
     * @throws ConfigException {@code "<source>: key 'k': value 'v' <reason>"}
     */
    public Builder set(ConfigKey<?> key, Object raw, String source) {
      Objects.requireNonNull(raw, key.path());
      try {
        entries.put(key, new Entry(key.type().parse(raw), raw, source));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(
            source + ": key '" + key.path() + "': value '" + raw + "' " + e.getMessage());
      }
      return this;
    }

    /** A typed value the program chose (e.g. the host name as node name). */
    public <T> Builder setValue(ConfigKey<T> key, T value, String source) {
      entries.put(key, new Entry(key.check(value), key.type().format(value), source));
      return this;
    }

    public boolean isSet(ConfigKey<?> key) {
      return entries.containsKey(key);
    }

    public ConfigValues build() {
      return new ConfigValues(entries);
    }
  }
}
