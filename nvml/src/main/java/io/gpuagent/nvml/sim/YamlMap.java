package io.gpuagent.nvml.sim;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * One YAML mapping of a model or profile file, read strictly: every error names the file and the
 * full key ({@code profile h100x8.yaml: gpus[2].model: …}), and {@link #done()} rejects keys nobody
 * asked for, so a typo is an error rather than a silently ignored setting.
 */
final class YamlMap {
  private final String source;
  private final String path;
  private final Map<?, ?> values;
  private final Set<String> known = new LinkedHashSet<>();

  private YamlMap(String source, String path, Map<?, ?> values) {
    this.source = source;
    this.path = path;
    this.values = values;
  }

  /** Parses a whole document (YAML or JSON) whose root must be a mapping. */
  static YamlMap parse(String source, String text) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    Object root;
    try {
      root = new Yaml(new SafeConstructor(options)).load(text);
    } catch (YAMLException e) {
      String firstLine = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
      throw new SimProfileException(source + ": not valid YAML: " + firstLine, e);
    }
    if (!(root instanceof Map<?, ?> map)) {
      throw new SimProfileException(source + ": the document must be a mapping of keys");
    }
    return new YamlMap(source, "", map);
  }

  SimProfileException error(String key, String message) {
    return new SimProfileException(source + ": " + qualified(key) + ": " + message);
  }

  String string(String key) {
    return optString(key).orElseThrow(() -> missing(key));
  }

  Optional<String> optString(String key) {
    return raw(key).map(v -> as(key, v, String.class, "a string (quote it)"));
  }

  int integer(String key) {
    return optInteger(key).orElseThrow(() -> missing(key));
  }

  Optional<Integer> optInteger(String key) {
    return optLong(key).map(v -> toInt(key, v));
  }

  long longValue(String key) {
    return optLong(key).orElseThrow(() -> missing(key));
  }

  Optional<Long> optLong(String key) {
    return raw(key).map(v -> whole(key, as(key, v, Number.class, "a whole number")));
  }

  double number(String key) {
    return optNumber(key).orElseThrow(() -> missing(key));
  }

  /** A finite number: {@code .nan} and {@code .inf} are refused. */
  Optional<Double> optNumber(String key) {
    return raw(key).map(v -> finite(key, as(key, v, Number.class, "a number").doubleValue()));
  }

  Optional<Boolean> optBoolean(String key) {
    return raw(key).map(v -> as(key, v, Boolean.class, "true or false"));
  }

  /** A hexadecimal id such as {@code "0x233010DE"}, kept as NVML's 32-bit value. */
  int hex(String key) {
    String text = string(key);
    try {
      String digits = text.replaceFirst("^0[xX]", "");
      if (digits.length() > 8) {
        throw new NumberFormatException("more than 32 bits");
      }
      return (int) Long.parseLong(digits, 16);
    } catch (NumberFormatException e) {
      throw error(key, "expected a hexadecimal id like \"0x233010DE\", got '" + text + "'");
    }
  }

  YamlMap map(String key) {
    return optMap(key).orElseThrow(() -> missing(key));
  }

  Optional<YamlMap> optMap(String key) {
    return raw(key)
        .map(
            v ->
                new YamlMap(
                    source, qualified(key), (Map<?, ?>) as(key, v, Map.class, "a mapping")));
  }

  List<YamlMap> mapList(String key) {
    if (optList(key).isEmpty()) {
      throw missing(key);
    }
    return optMapList(key);
  }

  /** The mappings of a list; empty when the key is absent. */
  List<YamlMap> optMapList(String key) {
    List<?> items = optList(key).orElse(List.of());
    List<YamlMap> maps = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      String itemPath = qualified(key) + "[" + i + "]";
      if (!(items.get(i) instanceof Map<?, ?> map)) {
        throw new SimProfileException(source + ": " + itemPath + ": expected a mapping");
      }
      maps.add(new YamlMap(source, itemPath, map));
    }
    return maps;
  }

  List<String> stringList(String key) {
    return optList(key).orElse(List.of()).stream()
        .map(v -> as(key, v, String.class, "a list of strings"))
        .toList();
  }

  List<Integer> intList(String key) {
    return optList(key).orElseThrow(() -> missing(key)).stream()
        .map(v -> toInt(key, whole(key, as(key, v, Number.class, "a list of whole numbers"))))
        .toList();
  }

  /** Fails on the first key that no reader asked for. Call after reading every field. */
  void done() {
    for (Object key : values.keySet()) {
      if (!known.contains(String.valueOf(key))) {
        throw error(
            String.valueOf(key),
            "unknown key (known: " + String.join(", ", new TreeSet<>(known)) + ")");
      }
    }
  }

  private Optional<List<?>> optList(String key) {
    return raw(key).map(v -> (List<?>) as(key, v, List.class, "a list"));
  }

  private Optional<Object> raw(String key) {
    known.add(key);
    return Optional.ofNullable(values.get(key));
  }

  /** A whole number that fits 64 bits; YAML gives larger ones as BigInteger, never wrapped. */
  private long whole(String key, Number number) {
    if (number instanceof Double || number instanceof Float) {
      throw error(key, "expected a whole number, got " + number);
    }
    if (number instanceof BigInteger) {
      throw error(key, "out of range: " + number);
    }
    return number.longValue();
  }

  private int toInt(String key, long value) {
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw error(key, "out of range: " + value);
    }
    return (int) value;
  }

  private double finite(String key, double value) {
    if (!Double.isFinite(value)) {
      throw error(key, "expected a finite number, got " + value);
    }
    return value;
  }

  private <T> T as(String key, Object value, Class<T> type, String expected) {
    if (!type.isInstance(value)) {
      throw error(key, "expected " + expected + ", got '" + value + "'");
    }
    return type.cast(value);
  }

  private SimProfileException missing(String key) {
    return error(key, "missing");
  }

  private String qualified(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }
}
