package io.gpuagent.agent.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How one configuration value is written and checked. {@link #parse} turns a YAML scalar or an
 * environment/flag string into the typed value, or answers a short reason why it cannot.
 */
public sealed interface ValueType<T> {

  /** The typed value, or throws {@link IllegalArgumentException} with a short reason. */
  T parse(Object raw);

  /** How the value is written, for the docs, e.g. {@code duration (e.g. 5s, 250ms)}. */
  String describe();

  /** A whole number in {@code [min, max]}. */
  record IntRange(int min, int max) implements ValueType<Integer> {
    @Override
    public Integer parse(Object raw) {
      long value;
      if (raw instanceof Integer || raw instanceof Long) {
        value = ((Number) raw).longValue();
      } else if (raw instanceof String s && s.trim().matches("-?\\d+")) {
        value = Long.parseLong(s.trim());
      } else {
        throw new IllegalArgumentException("must be a whole number");
      }
      if (value < min || value > max) {
        throw new IllegalArgumentException("must be between " + min + " and " + max);
      }
      return (int) value;
    }

    @Override
    public String describe() {
      return "integer " + min + "–" + max;
    }
  }

  /** Any 64-bit whole number. */
  record AnyLong() implements ValueType<Long> {
    @Override
    public Long parse(Object raw) {
      if (raw instanceof Integer || raw instanceof Long) {
        return ((Number) raw).longValue();
      }
      if (raw instanceof String s && s.trim().matches("-?\\d+")) {
        try {
          return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("is out of range for a 64-bit integer", e);
        }
      }
      throw new IllegalArgumentException("must be a whole number");
    }

    @Override
    public String describe() {
      return "integer";
    }
  }

  /** A string; empty allowed only when {@code allowEmpty}. */
  record Text(boolean allowEmpty) implements ValueType<String> {
    @Override
    public String parse(Object raw) {
      if (!(raw instanceof String s)) {
        throw new IllegalArgumentException("must be a string");
      }
      if (!allowEmpty && s.isBlank()) {
        throw new IllegalArgumentException("must not be empty");
      }
      return s;
    }

    @Override
    public String describe() {
      return "string";
    }
  }

  /** One of a fixed set of lower-case words. */
  record OneOf(List<String> choices) implements ValueType<String> {
    @Override
    public String parse(Object raw) {
      if (raw instanceof String s && choices.contains(s.trim().toLowerCase(Locale.ROOT))) {
        return s.trim().toLowerCase(Locale.ROOT);
      }
      throw new IllegalArgumentException("must be one of " + String.join(", ", choices));
    }

    @Override
    public String describe() {
      return "one of `" + String.join("`, `", choices) + "`";
    }
  }

  /** A duration such as {@code 5s}, {@code 250ms}, {@code 1m}, at least {@code min}. */
  record MinDuration(Duration min) implements ValueType<Duration> {
    private static final Pattern FORMAT = Pattern.compile("(-?\\d+)(ms|s|m|h)");

    @Override
    public Duration parse(Object raw) {
      if (!(raw instanceof String s)) {
        throw new IllegalArgumentException("must be a duration with a unit, e.g. 5s or 250ms");
      }
      Matcher m = FORMAT.matcher(s.trim());
      if (!m.matches()) {
        throw new IllegalArgumentException("must be a duration with a unit, e.g. 5s or 250ms");
      }
      long amount = Long.parseLong(m.group(1));
      if (amount < 0) {
        throw new IllegalArgumentException("must not be negative");
      }
      Duration value =
          switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
          };
      if (value.compareTo(min) < 0) {
        throw new IllegalArgumentException("must be at least " + min.toMillis() + "ms");
      }
      return value;
    }

    @Override
    public String describe() {
      return "duration (`250ms`, `5s`, `1m`, `1h`), at least " + min.toMillis() + "ms";
    }
  }

  /** {@code true} or {@code false}. */
  record Flag() implements ValueType<Boolean> {
    @Override
    public Boolean parse(Object raw) {
      if (raw instanceof Boolean b) {
        return b;
      }
      if (raw instanceof String s && (s.trim().equals("true") || s.trim().equals("false"))) {
        return Boolean.parseBoolean(s.trim());
      }
      throw new IllegalArgumentException("must be true or false");
    }

    @Override
    public String describe() {
      return "boolean";
    }
  }

  /**
   * A list of words from {@code choices}: a YAML list, or a comma-separated string (environment and
   * flags). No repeats; empty only when {@code allowEmpty}.
   */
  record SubsetOf(List<String> choices, boolean allowEmpty) implements ValueType<List<String>> {
    @Override
    public List<String> parse(Object raw) {
      List<Object> items;
      if (raw instanceof List<?> list) {
        items = new ArrayList<>(list);
      } else if (raw instanceof String s) {
        items = new ArrayList<>(List.of((Object[]) s.split(",", -1)));
        if (allowEmpty && s.isBlank()) {
          items.clear();
        }
      } else {
        throw new IllegalArgumentException("must be a list of " + String.join(", ", choices));
      }
      List<String> values = new ArrayList<>();
      OneOf one = new OneOf(choices);
      for (Object item : items) {
        String value = one.parse(item instanceof String text ? text.trim() : item);
        if (values.contains(value)) {
          throw new IllegalArgumentException("lists '" + value + "' twice");
        }
        values.add(value);
      }
      if (values.isEmpty() && !allowEmpty) {
        throw new IllegalArgumentException(
            "must name at least one of " + String.join(", ", choices));
      }
      return List.copyOf(values);
    }

    @Override
    public String describe() {
      return "list of `" + String.join("`, `", choices) + "`";
    }
  }

  /**
   * A mapping of names to names: a YAML mapping, or {@code a=b,c=d} (environment and flags). Keys
   * and values are non-empty words of letters, digits, '.', '-' and '_'.
   */
  record NameMap() implements ValueType<Map<String, String>> {
    private static final String NAME = "[A-Za-z0-9][A-Za-z0-9._+-]*";

    @Override
    public Map<String, String> parse(Object raw) {
      Map<String, String> result = new LinkedHashMap<>();
      if (raw instanceof Map<?, ?> map) {
        map.forEach((key, value) -> put(result, String.valueOf(key), String.valueOf(value)));
      } else if (raw instanceof String s) {
        for (String pair : s.split(",")) {
          if (pair.isBlank()) {
            continue;
          }
          String[] parts = pair.split("=", 2);
          if (parts.length != 2) {
            throw new IllegalArgumentException("must be name=name pairs separated by commas");
          }
          put(result, parts[0].trim(), parts[1].trim());
        }
      } else {
        throw new IllegalArgumentException("must be a mapping of names to names");
      }
      return Map.copyOf(result);
    }

    private static void put(Map<String, String> result, String key, String value) {
      if (!key.matches(NAME) || !value.matches(NAME)) {
        throw new IllegalArgumentException(
            "has an entry '" + key + "' -> '" + value + "' that is not a plain name");
      }
      result.put(key, value);
    }

    @Override
    public String describe() {
      return "mapping of names";
    }
  }

  /**
   * A list of whole numbers in {@code [min, max]}: a YAML list or comma-separated; may be empty.
   */
  record IntList(int min, int max) implements ValueType<List<Integer>> {
    @Override
    public List<Integer> parse(Object raw) {
      List<Object> items;
      if (raw instanceof List<?> list) {
        items = new ArrayList<>(list);
      } else if (raw instanceof String s) {
        items = new ArrayList<>();
        for (String part : s.split(",")) {
          if (!part.isBlank()) {
            items.add(part.trim());
          }
        }
      } else if (raw instanceof Integer single) {
        items = List.of(single);
      } else {
        throw new IllegalArgumentException("must be a list of whole numbers");
      }
      IntRange range = new IntRange(min, max);
      List<Integer> values = new ArrayList<>();
      for (Object item : items) {
        values.add(range.parse(item));
      }
      return List.copyOf(values);
    }

    @Override
    public String describe() {
      return "list of integers " + min + "–" + max;
    }
  }
}
