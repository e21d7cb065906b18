package io.gpuagent.agent.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
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
}
