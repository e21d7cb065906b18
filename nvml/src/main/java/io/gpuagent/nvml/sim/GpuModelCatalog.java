package io.gpuagent.nvml.sim;

import io.gpuagent.nvml.Architecture;
import io.gpuagent.nvml.Brand;
import io.gpuagent.nvml.ClockType;
import io.gpuagent.nvml.ComputeCapability;
import io.gpuagent.nvml.EventType;
import io.gpuagent.nvml.NvmlDevice;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** The GPU models the simulator knows, one YAML file each under {@code models/}. */
final class GpuModelCatalog {

  /** The model files; add a file here to teach the simulator a new GPU. */
  private static final List<String> FILES =
      List.of(
          "h100-sxm5-80gb.yaml",
          "a100-sxm4-80gb.yaml",
          "a100-sxm4-40gb.yaml",
          "a100-pcie-40gb.yaml",
          "l40s.yaml");

  private static final class Holder {
    static final GpuModelCatalog BUILT_IN = load();
  }

  private final Map<String, GpuModel> byName;

  private GpuModelCatalog(Map<String, GpuModel> byName) {
    this.byName = byName;
  }

  /** The built-in models, read once on first use. */
  static GpuModelCatalog builtIn() {
    return Holder.BUILT_IN;
  }

  Optional<GpuModel> byName(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  Set<String> names() {
    return new TreeSet<>(byName.keySet());
  }

  private static GpuModelCatalog load() {
    Map<String, GpuModel> models = new LinkedHashMap<>();
    for (String file : FILES) {
      GpuModel model = parse("model " + file, resource(file));
      models.put(model.name(), model);
    }
    return new GpuModelCatalog(Map.copyOf(models));
  }

  private static String resource(String file) {
    try (InputStream in = GpuModelCatalog.class.getResourceAsStream("models/" + file)) {
      if (in == null) {
        throw new IllegalStateException("GPU model resource models/" + file + " is missing");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read GPU model resource models/" + file, e);
    }
  }

  static GpuModel parse(String source, String text) {
    YamlMap yaml = YamlMap.parse(source, text);
    YamlMap pcie = yaml.map("pcie");
    int pcieGeneration = pcie.integer("generation");
    int pcieWidth = pcie.integer("width");
    pcie.done();
    GpuModel model =
        new GpuModel(
            yaml.string("name"),
            enumValue(yaml, "brand", Brand.class),
            enumValue(yaml, "architecture", Architecture.class),
            computeCapability(yaml),
            yaml.hex("pciDeviceId"),
            yaml.hex("pciSubsystemId"),
            yaml.integer("multiprocessors"),
            yaml.longValue("memoryTotalBytes"),
            yaml.longValue("memoryReservedMiB") << 20,
            yaml.longValue("contextOverheadMiB") << 20,
            pcieGeneration,
            pcieWidth,
            power(yaml.map("powerW")),
            clocks(yaml.map("clocksMhz")),
            thermal(yaml.map("temperatureC")),
            yaml.optInteger("nvLinks").orElse(0),
            yaml.optString("nvSwitchPciDeviceId").isPresent() ? yaml.hex("nvSwitchPciDeviceId") : 0,
            features(yaml),
            events(yaml),
            yaml.optMap("mig").map(GpuModelCatalog::mig));
    yaml.done();
    return model;
  }

  private static ComputeCapability computeCapability(YamlMap yaml) {
    String text = yaml.string("computeCapability");
    String[] parts = text.split("\\.");
    try {
      return new ComputeCapability(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
    } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
      throw yaml.error(
          "computeCapability", "expected \"major.minor\" like \"9.0\", got '" + text + "'");
    }
  }

  private static GpuModel.Power power(YamlMap yaml) {
    GpuModel.Power power =
        new GpuModel.Power(
            yaml.integer("minLimit"),
            yaml.integer("defaultLimit"),
            yaml.integer("maxLimit"),
            yaml.integer("idle"),
            yaml.integer("peak"));
    yaml.done();
    return power;
  }

  private static Map<ClockType, GpuModel.ClockRange> clocks(YamlMap yaml) {
    Map<ClockType, GpuModel.ClockRange> clocks = new EnumMap<>(ClockType.class);
    for (ClockType type : ClockType.values()) {
      YamlMap range = yaml.map(type.name().toLowerCase(Locale.ROOT));
      clocks.put(type, new GpuModel.ClockRange(range.integer("idle"), range.integer("max")));
      range.done();
    }
    yaml.done();
    return clocks;
  }

  private static GpuModel.Thermal thermal(YamlMap yaml) {
    GpuModel.Thermal thermal =
        new GpuModel.Thermal(
            yaml.integer("idle"),
            yaml.integer("load"),
            yaml.integer("memoryOffset"),
            yaml.integer("slowdown"),
            yaml.integer("shutdown"));
    yaml.done();
    return thermal;
  }

  private static Set<GpuModel.Feature> features(YamlMap yaml) {
    Set<GpuModel.Feature> features = EnumSet.noneOf(GpuModel.Feature.class);
    for (String key : yaml.stringList("notSupported")) {
      features.add(
          Arrays.stream(GpuModel.Feature.values())
              .filter(f -> f.key().equals(key))
              .findFirst()
              .orElseThrow(
                  () ->
                      yaml.error(
                          "notSupported",
                          "unknown feature '"
                              + key
                              + "' (known: "
                              + Arrays.stream(GpuModel.Feature.values())
                                  .map(GpuModel.Feature::key)
                                  .toList()
                              + ")")));
    }
    return features;
  }

  private static Set<EventType> events(YamlMap yaml) {
    Set<EventType> events = EnumSet.noneOf(EventType.class);
    for (String name : yaml.stringList("events")) {
      events.add(parseEnum(yaml, "events", name, EventType.class));
    }
    return events;
  }

  private static GpuModel.MigSpec mig(YamlMap yaml) {
    List<MigProfile> profiles = new ArrayList<>();
    for (YamlMap row : yaml.mapList("profiles")) {
      YamlMap engines = row.map("engines");
      profiles.add(
          new MigProfile(
              row.integer("index"),
              row.integer("id"),
              row.string("name"),
              row.integer("computeSlices"),
              row.integer("memorySlices"),
              row.longValue("memoryMiB"),
              row.integer("multiprocessors"),
              row.integer("maxInstances"),
              row.intList("starts"),
              engines.integer("copy"),
              engines.integer("decoder"),
              engines.integer("encoder"),
              engines.integer("jpeg"),
              engines.integer("ofa")));
      engines.done();
      row.done();
      checkRow(row, profiles.get(profiles.size() - 1));
    }
    GpuModel.MigSpec spec = new GpuModel.MigSpec(yaml.integer("maxDevices"), profiles);
    yaml.done();
    return spec;
  }

  /** A table row must describe something the 8 memory / 7 compute slice geometry can hold. */
  private static void checkRow(YamlMap row, MigProfile profile) {
    if (profile.computeSlices() < 1 || profile.computeSlices() > MigPlacementRules.COMPUTE_SLICES) {
      throw row.error("computeSlices", "must be 1..7, got " + profile.computeSlices());
    }
    for (int start : profile.starts()) {
      if (start < 0 || start + profile.memorySlices() > MigPlacementRules.MEMORY_SLICES) {
        throw row.error("starts", "start " + start + " does not fit 8 memory slices");
      }
    }
    if (profile.index() < 0 || profile.index() >= NvmlDevice.GPU_INSTANCE_PROFILE_INDEX_COUNT) {
      throw row.error(
          "index", "must be an NVML_GPU_INSTANCE_PROFILE_* index, got " + profile.index());
    }
  }

  private static <E extends Enum<E>> E enumValue(YamlMap yaml, String key, Class<E> type) {
    return parseEnum(yaml, key, yaml.string(key), type);
  }

  private static <E extends Enum<E>> E parseEnum(
      YamlMap yaml, String key, String name, Class<E> type) {
    try {
      return Enum.valueOf(type, name);
    } catch (IllegalArgumentException e) {
      throw yaml.error(
          key,
          "unknown value '" + name + "' (known: " + Arrays.toString(type.getEnumConstants()) + ")");
    }
  }
}
