package io.gpuagent.mig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * A mig-parted config file as mig-parted reads it: {@code version: v1} and {@code mig-configs}, a
 * map from layout name to a list of entries. Read strictly (unknown keys, wrong types and bad
 * profile syntax are errors naming the file, the layout and the entry); profiles this node's GPUs
 * do not have are not errors here, since the same file serves other nodes.
 *
 * @param source the file, as messages name it
 * @param layouts layout name to its entries, in the file's order
 */
public record MigConfigFile(String source, Map<String, List<MigConfigEntry>> layouts) {

  /**
   * {@code 1g.10gb}, {@code 1g.10gb+me}, {@code 1g.24gb+me.all}, {@code 1g.24gb-me}, {@code
   * 1c.3g.20gb}.
   */
  static final Pattern PROFILE =
      Pattern.compile("(\\d+c\\.)?\\d+g\\.\\d+gb([+-][a-z]+(\\.[a-z]+)*)*");

  private static final Pattern PCI_ID = Pattern.compile("0x[0-9A-Fa-f]{8}");
  private static final Set<String> TOP_KEYS = Set.of("version", "mig-configs");
  private static final Set<String> ENTRY_KEYS =
      Set.of("devices", "device-filter", "mig-enabled", "mig-devices");

  public MigConfigFile {
    layouts = Collections.unmodifiableMap(new LinkedHashMap<>(layouts));
  }

  /** Reads and checks a file. */
  public static MigConfigFile read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new MigConfigException(file + ": cannot read the MIG config file: " + e.getMessage());
    }
    return parse(file.toString(), text);
  }

  /** The entries of one layout; a name the file does not have is a user mistake. */
  public List<MigConfigEntry> layout(String name) {
    List<MigConfigEntry> entries = layouts.get(name);
    if (entries == null) {
      List<String> names = List.copyOf(layouts.keySet());
      String known =
          names.size() <= 8
              ? String.join(", ", names)
              : String.join(", ", names.subList(0, 8)) + ", … (" + names.size() + " in all)";
      throw new MigConfigException(
          source + ": no layout '" + name + "' in mig-configs (has: " + known + ")");
    }
    return entries;
  }

  public static MigConfigFile parse(String source, String text) {
    Object root;
    try {
      root = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    } catch (YAMLException e) {
      throw new MigConfigException(
          source + ": not valid YAML: " + e.getMessage().replace('\n', ' ').strip());
    }
    Map<?, ?> top = map(root, source + ": the file");
    for (Object key : top.keySet()) {
      if (!TOP_KEYS.contains(String.valueOf(key))) {
        throw new MigConfigException(
            source + ": unknown key '" + key + "' (known: version, mig-configs)");
      }
    }
    if (!"v1".equals(top.get("version"))) {
      throw new MigConfigException(
          source + ": version must be v1, got '" + top.get("version") + "'");
    }
    Map<?, ?> configs = map(top.get("mig-configs"), source + ": mig-configs");
    Map<String, List<MigConfigEntry>> layouts = new LinkedHashMap<>();
    for (Map.Entry<?, ?> layout : configs.entrySet()) {
      String name = String.valueOf(layout.getKey());
      String where = source + ": mig-configs." + name;
      if (!(layout.getValue() instanceof List<?> list) || list.isEmpty()) {
        throw new MigConfigException(where + ": must be a non-empty list of entries");
      }
      List<MigConfigEntry> entries = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        entries.add(entry(where + "[" + i + "]", i, list.get(i)));
      }
      layouts.put(name, List.copyOf(entries));
    }
    return new MigConfigFile(source, layouts);
  }

  private static MigConfigEntry entry(String where, int position, Object raw) {
    Map<?, ?> entry = map(raw, where);
    for (Object key : entry.keySet()) {
      if (!ENTRY_KEYS.contains(String.valueOf(key))) {
        throw new MigConfigException(
            where
                + ": unknown key '"
                + key
                + "' (known: devices, device-filter, mig-enabled, mig-devices)");
      }
    }
    if (!(entry.get("mig-enabled") instanceof Boolean migEnabled)) {
      throw new MigConfigException(where + ": mig-enabled must be true or false");
    }
    Map<String, Integer> devices = migDevices(where, entry.get("mig-devices"));
    if (!migEnabled && devices.values().stream().anyMatch(count -> count > 0)) {
      throw new MigConfigException(where + ": mig-devices needs mig-enabled: true");
    }
    return new MigConfigEntry(
        position,
        selection(where, entry.get("devices")),
        filter(where, entry.get("device-filter")),
        migEnabled,
        devices);
  }

  private static Optional<Set<Integer>> selection(String where, Object raw) {
    if ("all".equals(raw)) {
      return Optional.empty();
    }
    if (raw instanceof List<?> list && !list.isEmpty()) {
      Set<Integer> indexes = new HashSet<>();
      for (Object item : list) {
        if (!(item instanceof Integer index) || index < 0) {
          throw new MigConfigException(
              where + ": devices must be 'all' or a list of GPU indexes, got '" + item + "'");
        }
        indexes.add(index);
      }
      return Optional.of(indexes);
    }
    throw new MigConfigException(
        where + ": devices must be 'all' or a list of GPU indexes, got '" + raw + "'");
  }

  private static Set<Integer> filter(String where, Object raw) {
    if (raw == null) {
      return Set.of();
    }
    List<?> items = raw instanceof List<?> list ? list : List.of(raw);
    Set<Integer> ids = new HashSet<>();
    for (Object item : items) {
      if (!(item instanceof String text) || !PCI_ID.matcher(text).matches()) {
        throw new MigConfigException(
            where
                + ": device-filter must be PCI device ids like \"0x233010DE\", got '"
                + item
                + "'");
      }
      ids.add(Integer.parseUnsignedInt(text.substring(2), 16));
    }
    return ids;
  }

  private static Map<String, Integer> migDevices(String where, Object raw) {
    if (raw == null) {
      return Map.of();
    }
    Map<?, ?> devices = map(raw, where + ": mig-devices");
    Map<String, Integer> result = new LinkedHashMap<>();
    for (Map.Entry<?, ?> device : devices.entrySet()) {
      String profile = String.valueOf(device.getKey());
      if (!PROFILE.matcher(profile).matches()) {
        throw new MigConfigException(
            where
                + ": mig-devices: '"
                + profile
                + "' is not a MIG profile like 1g.10gb or 1g.10gb+me");
      }
      if (!(device.getValue() instanceof Integer count) || count < 0) {
        throw new MigConfigException(
            where
                + ": mig-devices: the count of "
                + profile
                + " must be a whole number >= 0, got '"
                + device.getValue()
                + "'");
      }
      result.put(profile, count);
    }
    return result;
  }

  private static Map<?, ?> map(Object raw, String what) {
    if (raw instanceof Map<?, ?> map) {
      return map;
    }
    throw new MigConfigException(what + " must be a map, got " + (raw == null ? "nothing" : raw));
  }
}
