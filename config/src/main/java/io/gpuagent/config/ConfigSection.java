package io.gpuagent.config;

import java.util.List;

/**
 * The keys one configuration type owns, all under its prefix (e.g. {@code devicePlugin}); an empty
 * prefix is the agent's own top-level keys. The title heads its table in {@code
 * docs/configuration.md}.
 */
public record ConfigSection(String prefix, String title, List<ConfigKey<?>> keys) {
  public ConfigSection {
    keys = List.copyOf(keys);
    for (ConfigKey<?> key : keys) {
      if (!prefix.isEmpty() && !key.path().startsWith(prefix + ".")) {
        throw new IllegalArgumentException(
            "key " + key.path() + " is outside its section " + prefix);
      }
    }
  }
}
