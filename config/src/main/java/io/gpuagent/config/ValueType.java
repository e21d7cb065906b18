package io.gpuagent.config;

import java.math.BigInteger;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * How one configuration value is written and checked. {@link #parse} turns a YAML scalar or an
 * environment/flag string into the typed value; {@link #check} holds the rule a typed value must
 * meet, so a module's record can apply the same rule to values built in code. Both throw {@link
 * IllegalArgumentException} with a short reason that reads after "value 'x' ".
 */
public sealed interface ValueType<T> {

  /** The typed value, checked; or throws {@link IllegalArgumentException} with a short reason. */
  T parse(Object raw);

  /**
   * Throws {@link IllegalArgumentException} with a short reason when {@code value} breaks the rule.
   */
  default void check(T value) {}

  /** {@code value} as it is written in a config file, e.g. {@code 5s} or {@code [envvar]}. */
  String format(T value);

  /** How the value is written, for the docs, e.g. {@code duration ≥ 100ms}. */
  String describe();

  /** A whole number in {@code [min, max]}. */
  record IntRange(int min, int max) implements ValueType<Integer> {
    @Override
    public Integer parse(Object raw) {
      long value;
      if (raw instanceof Integer || raw instanceof Long) {
        value = ((Number) raw).longValue();
      } else if (raw instanceof String s && s.trim().matches("-?\\d{1,18}")) {
        value = Long.parseLong(s.trim());
      } else if (raw instanceof BigInteger
          || raw instanceof String s && s.trim().matches("-?\\d+")) {
        throw new IllegalArgumentException(range()); // too many digits for any range
      } else {
        throw new IllegalArgumentException("must be a whole number");
      }
      if (value < min || value > max) {
        throw new IllegalArgumentException(range());
      }
      return (int) value;
    }

    @Override
    public void check(Integer value) {
      if (value < min || value > max) {
        throw new IllegalArgumentException(range());
      }
    }

    private String range() {
      return "must be between " + min + " and " + max;
    }

    @Override
    public String format(Integer value) {
      return String.valueOf(value);
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
      if (raw instanceof BigInteger) {
        throw new IllegalArgumentException("is out of range for a 64-bit integer");
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
    public String format(Long value) {
      return String.valueOf(value);
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
      check(s);
      return s;
    }

    @Override
    public void check(String value) {
      if (!allowEmpty && value.isBlank()) {
        throw new IllegalArgumentException("must not be empty");
      }
      if (value.chars().anyMatch(Character::isISOControl)) {
        throw new IllegalArgumentException(
            "must not contain control characters (a newline, a tab)");
      }
    }

    @Override
    public String format(String value) {
      return value;
    }

    @Override
    public String describe() {
      return "string";
    }
  }

  /** A file system path; never empty (wrap in {@link Maybe} for "not set"). */
  record FilePath() implements ValueType<Path> {
    @Override
    public Path parse(Object raw) {
      String text = new Text(false).parse(raw);
      try {
        return Path.of(text);
      } catch (InvalidPathException e) {
        throw new IllegalArgumentException("is not a path: " + e.getReason(), e);
      }
    }

    @Override
    public String format(Path value) {
      return value.toString();
    }

    @Override
    public String describe() {
      return "path";
    }
  }

  /**
   * A constant of an enum, written as the word the enum gives it (e.g. {@code MigStrategy::
   * configName}), case-insensitively. The choices and their order are the enum's.
   */
  record Word<E extends Enum<E>>(Class<E> type, Function<E, String> word) implements ValueType<E> {
    @Override
    public E parse(Object raw) {
      if (raw instanceof String s) {
        String wanted = s.trim().toLowerCase(Locale.ROOT);
        for (E constant : type.getEnumConstants()) {
          if (word.apply(constant).equals(wanted)) {
            return constant;
          }
        }
      }
      throw new IllegalArgumentException("must be one of " + String.join(", ", words()));
    }

    List<String> words() {
      return EnumSet.allOf(type).stream().map(word).toList();
    }

    @Override
    public String format(E value) {
      return word.apply(value);
    }

    @Override
    public String describe() {
      return "one of `" + String.join("`, `", words()) + "`";
    }
  }

  /**
   * Several constants of an enum: a YAML list, or a comma-separated string (environment and flags).
   * No repeats; empty only when {@code allowEmpty}. The set keeps the order written.
   */
  record Words<E extends Enum<E>>(Word<E> word, boolean allowEmpty) implements ValueType<Set<E>> {
    @Override
    public Set<E> parse(Object raw) {
      List<Object> items;
      if (raw instanceof List<?> list) {
        items = new ArrayList<>(list);
      } else if (raw instanceof String s) {
        items = new ArrayList<>(List.of((Object[]) s.split(",", -1)));
        if (allowEmpty && s.isBlank()) {
          items.clear();
        }
      } else {
        throw new IllegalArgumentException("must be a list of " + String.join(", ", word.words()));
      }
      Set<E> values = new LinkedHashSet<>();
      for (Object item : items) {
        E value = word.parse(item instanceof String text ? text.trim() : item);
        if (!values.add(value)) {
          throw new IllegalArgumentException("lists '" + word.format(value) + "' twice");
        }
      }
      check(values);
      return Collections.unmodifiableSet(values);
    }

    @Override
    public void check(Set<E> value) {
      if (value.isEmpty() && !allowEmpty) {
        throw new IllegalArgumentException(
            "must name at least one of " + String.join(", ", word.words()));
      }
    }

    @Override
    public String format(Set<E> value) {
      return value.stream().map(word::format).collect(Collectors.joining(", ", "[", "]"));
    }

    @Override
    public String describe() {
      return "list of `" + String.join("`, `", word.words()) + "`";
    }
  }

  /**
   * A duration such as {@code 5s}, {@code 250ms}, {@code 1m}, at least {@code min} and at most
   * {@link #MAX} (no setting of the agent needs more; larger values would overflow the clocks they
   * are added to).
   */
  record MinDuration(Duration min) implements ValueType<Duration> {
    /** The longest duration any key takes: 7 days. */
    public static final Duration MAX = Duration.ofDays(7);

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
      if (m.group(1).startsWith("-")) {
        throw new IllegalArgumentException("must not be negative");
      }
      // 13 digits of any unit are already far above MAX; longer numbers never reach Long.parseLong
      if (m.group(1).replaceFirst("^0+(?=\\d)", "").length() > 12) {
        throw new IllegalArgumentException("must be at most " + format(MAX));
      }
      long amount = Long.parseLong(m.group(1));
      Duration value =
          switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
          };
      check(value);
      return value;
    }

    @Override
    public void check(Duration value) {
      if (value.compareTo(min) < 0) {
        throw new IllegalArgumentException("must be at least " + format(min));
      }
      if (value.compareTo(MAX) > 0) {
        throw new IllegalArgumentException("must be at most " + format(MAX));
      }
    }

    /** The largest unit that is exact: {@code 5m}, {@code 90s}, {@code 250ms}. */
    @Override
    public String format(Duration value) {
      long millis = value.toMillis();
      if (millis != 0 && millis % 3_600_000 == 0) {
        return millis / 3_600_000 + "h";
      }
      if (millis != 0 && millis % 60_000 == 0) {
        return millis / 60_000 + "m";
      }
      if (millis % 1000 == 0) {
        return millis / 1000 + "s";
      }
      return millis + "ms";
    }

    @Override
    public String describe() {
      return "duration ≥ " + format(min);
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
    public String format(Boolean value) {
      return String.valueOf(value);
    }

    @Override
    public String describe() {
      return "boolean";
    }
  }

  /**
   * A mapping of names to names: a YAML mapping, or {@code a=b,c=d} (environment and flags). Keys
   * and values are non-empty words of letters, digits, '.', '-', '+' and '_'.
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
      return Collections.unmodifiableMap(result);
    }

    private static void put(Map<String, String> result, String key, String value) {
      if (!key.matches(NAME) || !value.matches(NAME)) {
        throw new IllegalArgumentException(
            "has an entry '" + key + "' -> '" + value + "' that is not a plain name");
      }
      result.put(key, value);
    }

    @Override
    public String format(Map<String, String> value) {
      return value.entrySet().stream()
          .map(entry -> entry.getKey() + ": " + entry.getValue())
          .collect(Collectors.joining(", ", "{", "}"));
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
    public void check(List<Integer> value) {
      IntRange range = new IntRange(min, max);
      value.forEach(range::check);
    }

    @Override
    public String format(List<Integer> value) {
      return value.toString();
    }

    @Override
    public String describe() {
      return "list of integers " + min + "–" + max;
    }
  }

  /** A value that may be left unset: an empty string means {@link Optional#empty()}. */
  record Maybe<T>(ValueType<T> type) implements ValueType<Optional<T>> {
    @Override
    public Optional<T> parse(Object raw) {
      if (raw instanceof String s && s.isBlank()) {
        return Optional.empty();
      }
      return Optional.of(type.parse(raw));
    }

    @Override
    public void check(Optional<T> value) {
      value.ifPresent(type::check);
    }

    @Override
    public String format(Optional<T> value) {
      return value.map(type::format).orElse("");
    }

    @Override
    public String describe() {
      return type.describe();
    }
  }

  /**
   * {@code type} with one more rule: values that fail {@code test} are refused with {@code
   * failure}, a reason such as {@code "must be a DNS domain like nvidia.com"}.
   */
  record Checked<T>(ValueType<T> type, Predicate<T> test, String failure) implements ValueType<T> {
    @Override
    public T parse(Object raw) {
      T value = type.parse(raw);
      check(value);
      return value;
    }

    @Override
    public void check(T value) {
      type.check(value);
      if (!test.test(value)) {
        throw new IllegalArgumentException(failure);
      }
    }

    @Override
    public String format(T value) {
      return type.format(value);
    }

    @Override
    public String describe() {
      return type.describe();
    }
  }

  /**
   * A number of bytes with a binary unit, such as {@code 1GiB}, {@code 512MiB} or {@code 2TiB}
   * ({@code B}, {@code KiB}, {@code MiB}, {@code GiB}, {@code TiB}), at least {@code min}.
   */
  record ByteSize(long min) implements ValueType<Long> {
    private static final Pattern FORMAT = Pattern.compile("(\\d{1,15})\\s*(B|KiB|MiB|GiB|TiB)");
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};

    @Override
    public Long parse(Object raw) {
      Matcher m = FORMAT.matcher(raw instanceof String s ? s.trim() : "");
      if (!m.matches()) {
        throw new IllegalArgumentException(
            "must be a size with a binary unit, e.g. 1GiB or 512MiB (B, KiB, MiB, GiB, TiB)");
      }
      int unit = List.of(UNITS).indexOf(m.group(2));
      long amount = Long.parseLong(m.group(1));
      if (amount > (Long.MAX_VALUE >> (10 * unit))) {
        throw new IllegalArgumentException("is too large");
      }
      long value = amount << (10 * unit);
      check(value);
      return value;
    }

    @Override
    public void check(Long value) {
      if (value < min) {
        throw new IllegalArgumentException("must be at least " + format(min));
      }
    }

    /** The largest unit that is exact: {@code 1GiB}, {@code 1536MiB}, {@code 0B}. */
    @Override
    public String format(Long value) {
      int unit = 0;
      long amount = value;
      while (unit < UNITS.length - 1 && amount != 0 && amount % 1024 == 0) {
        amount /= 1024;
        unit++;
      }
      return amount + UNITS[unit];
    }

    @Override
    public String describe() {
      return "size ≥ " + format(min) + " (`512MiB`, `1GiB`)";
    }
  }

  /**
   * A YAML list of mappings, each turned into one item by {@code item} (which throws {@link
   * IllegalArgumentException} with a short reason, e.g. for an unknown field), then the whole list
   * checked by {@code rule}, which throws the same way (e.g. two items selecting the same thing).
   * Only a config file can write it: the environment and flags hold strings, which are refused.
   *
   * @param written how one item is written back, e.g. for the docs' default
   * @param description how an item is written, for the docs
   */
  record MappingList<T>(
      Function<Map<String, Object>, T> item,
      Function<T, String> written,
      Consumer<List<T>> rule,
      String description)
      implements ValueType<List<T>> {
    @Override
    public List<T> parse(Object raw) {
      if (!(raw instanceof List<?> list)) {
        throw new IllegalArgumentException(
            "must be a list of mappings (" + description + "), set in the config file");
      }
      List<T> values = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        if (!(list.get(i) instanceof Map<?, ?> map)) {
          throw new IllegalArgumentException("item " + (i + 1) + " must be a mapping");
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        map.forEach((key, value) -> fields.put(String.valueOf(key), value));
        try {
          values.add(item.apply(fields));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("item " + (i + 1) + ": " + e.getMessage(), e);
        }
      }
      List<T> result = List.copyOf(values);
      check(result);
      return result;
    }

    @Override
    public void check(List<T> value) {
      rule.accept(value);
    }

    @Override
    public String format(List<T> value) {
      return value.stream().map(written).collect(Collectors.joining(", ", "[", "]"));
    }

    @Override
    public String describe() {
      return "list of " + description;
    }
  }
}
