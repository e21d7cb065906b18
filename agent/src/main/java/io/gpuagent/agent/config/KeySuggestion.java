package io.gpuagent.agent.config;

import java.util.Comparator;
import java.util.function.Function;

/** "did you mean" hints for misspelt keys, so a typo costs one glance, not a doc search. */
final class KeySuggestion {
  private static final int MAX_DISTANCE = 3;

  private KeySuggestion() {}

  static String forPath(String path) {
    return closest(path, ConfigKey::path);
  }

  static String forEnv(String name) {
    return closest(name, ConfigKey::envName);
  }

  private static String closest(String given, Function<ConfigKey<?>, String> name) {
    return ConfigSchema.KEYS.stream()
        .map(name)
        .min(Comparator.comparingInt(candidate -> distance(given, candidate)))
        .filter(candidate -> distance(given, candidate) <= MAX_DISTANCE)
        .map(candidate -> " (did you mean '" + candidate + "'?)")
        .orElse("");
  }

  /** Levenshtein distance, case-insensitive. */
  static int distance(String a, String b) {
    String x = a.toLowerCase(java.util.Locale.ROOT);
    String y = b.toLowerCase(java.util.Locale.ROOT);
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
