package io.gpuagent.config;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The sections a program reads, composed: every key of every section, found by path or by
 * environment name, with a "did you mean" for a misspelt one. A key not in a section is an error
 * wherever it appears.
 */
public final class ConfigSchema {
  private static final int MAX_SUGGESTION_DISTANCE = 3;

  private final List<ConfigSection> sections;
  private final Map<String, ConfigKey<?>> byPath = new LinkedHashMap<>();
  private final Map<String, ConfigKey<?>> byEnv = new LinkedHashMap<>();

  private ConfigSchema(List<ConfigSection> sections) {
    this.sections = List.copyOf(sections);
    for (ConfigSection section : sections) {
      for (ConfigKey<?> key : section.keys()) {
        if (byPath.put(key.path(), key) != null || byEnv.put(key.envName(), key) != null) {
          throw new IllegalArgumentException("key " + key.path() + " is declared twice");
        }
      }
    }
    for (String path : byPath.keySet()) {
      if (isSection(path)) {
        throw new IllegalArgumentException("key " + path + " is also a section");
      }
    }
  }

  public static ConfigSchema of(List<ConfigSection> sections) {
    return new ConfigSchema(sections);
  }

  public List<ConfigSection> sections() {
    return sections;
  }

  public List<ConfigKey<?>> keys() {
    return List.copyOf(byPath.values());
  }

  public Optional<ConfigKey<?>> byPath(String path) {
    return Optional.ofNullable(byPath.get(path));
  }

  public Optional<ConfigKey<?>> byEnv(String name) {
    return Optional.ofNullable(byEnv.get(name));
  }

  /** True when some key lives under {@code path.}, e.g. {@code http} or {@code health.probe}. */
  public boolean isSection(String path) {
    return byPath.keySet().stream().anyMatch(key -> key.startsWith(path + "."));
  }

  /** {@code " (did you mean 'http.port'?)"} for a path close to a key's, else {@code ""}. */
  public String suggestPath(String given) {
    return closest(given, ConfigKey::path);
  }

  /** As {@link #suggestPath}, for an environment variable name. */
  public String suggestEnv(String given) {
    return closest(given, ConfigKey::envName);
  }

  private String closest(String given, Function<ConfigKey<?>, String> name) {
    return byPath.values().stream()
        .map(name)
        .min(Comparator.comparingInt(candidate -> distance(given, candidate)))
        .filter(candidate -> distance(given, candidate) <= MAX_SUGGESTION_DISTANCE)
        .map(candidate -> " (did you mean '" + candidate + "'?)")
        .orElse("");
  }

  /** Levenshtein distance, case-insensitive. */
  static int distance(String a, String b) {
    String x = a.toLowerCase(Locale.ROOT);
    String y = b.toLowerCase(Locale.ROOT);
    int[] previous = new int[y.length() + 1];
    int[] current = new int[y.length() + 1];
    for (int j = 0; j <= y.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= x.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= y.length(); j++) {
        int cost = x.charAt(i - 1) == y.charAt(j - 1) ? 0 : 1;
        current[j] =
            Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[y.length()];
  }
}
