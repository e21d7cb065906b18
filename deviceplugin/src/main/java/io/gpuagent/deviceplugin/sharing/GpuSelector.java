package io.gpuagent.deviceplugin.sharing;

import java.util.List;
import java.util.Map;

/**
 * Which GPUs one sharing rule applies to: by index, by UUID (a GPU's, or a MIG device's to share
 * just that instance), or by model name as NVML reports it.
 */
public sealed interface GpuSelector {

  /** The selector as written in a config file, e.g. {@code {indexes: [0, 1]}}. */
  String written();

  /**
   * Whether this selects the GPU with this index, UUID and model name, or (when {@code migUuid} is
   * not empty) the MIG device with that UUID on it.
   */
  boolean selects(int index, String uuid, String model, String migUuid);

  /** What it names, one by one, to find two rules naming the same: {@code GPU index 0}. */
  List<String> names();

  /** GPUs by NVML index. */
  record Indexes(List<Integer> indexes) implements GpuSelector {
    public Indexes {
      indexes = List.copyOf(indexes);
    }

    @Override
    public String written() {
      return "{indexes: " + indexes + "}";
    }

    @Override
    public boolean selects(int index, String uuid, String model, String migUuid) {
      return indexes.contains(index);
    }

    @Override
    public List<String> names() {
      return indexes.stream().map(index -> "GPU index " + index).toList();
    }
  }

  /** GPUs or MIG devices by UUID. */
  record Uuids(List<String> uuids) implements GpuSelector {
    public Uuids {
      uuids = List.copyOf(uuids);
    }

    @Override
    public String written() {
      return "{uuids: " + uuids + "}";
    }

    @Override
    public boolean selects(int index, String uuid, String model, String migUuid) {
      return uuids.contains(uuid) || (!migUuid.isEmpty() && uuids.contains(migUuid));
    }

    @Override
    public List<String> names() {
      return uuids;
    }
  }

  /** Every GPU whose model name is exactly this, e.g. {@code NVIDIA H100 80GB HBM3}. */
  record Model(String model) implements GpuSelector {
    @Override
    public String written() {
      return "{model: \"" + model + "\"}";
    }

    @Override
    public boolean selects(int index, String uuid, String model, String migUuid) {
      return this.model.equals(model);
    }

    @Override
    public List<String> names() {
      return List.of("model \"" + model + "\"");
    }
  }

  /** {@code {indexes: [..]}}, {@code {uuids: [..]}} or {@code {model: ".."}}: exactly one. */
  static GpuSelector parse(Object raw) {
    if (!(raw instanceof Map<?, ?> map) || map.size() != 1) {
      throw new IllegalArgumentException(
          "select must be a mapping with exactly one of indexes, uuids, model");
    }
    Map.Entry<?, ?> only = map.entrySet().iterator().next();
    Object value = only.getValue();
    return switch (String.valueOf(only.getKey())) {
      case "indexes" -> new Indexes(indexes(value));
      case "uuids" -> new Uuids(uuids(value));
      case "model" -> {
        if (!(value instanceof String model) || model.isBlank()) {
          throw new IllegalArgumentException("select.model must be a model name");
        }
        yield new Model(model.trim());
      }
      default ->
          throw new IllegalArgumentException(
              "select has unknown field '" + only.getKey() + "' (indexes, uuids or model)");
    };
  }

  private static List<Integer> indexes(Object value) {
    if (!(value instanceof List<?> list) || list.isEmpty()) {
      throw new IllegalArgumentException("select.indexes must be a non-empty list of GPU indexes");
    }
    for (Object item : list) {
      if (!(item instanceof Integer index) || index < 0 || index > 1023) {
        throw new IllegalArgumentException("select.indexes has '" + item + "', not a GPU index");
      }
    }
    if (list.stream().distinct().count() != list.size()) {
      throw new IllegalArgumentException("select.indexes lists an index twice");
    }
    return list.stream().map(Integer.class::cast).toList();
  }

  private static List<String> uuids(Object value) {
    if (!(value instanceof List<?> list) || list.isEmpty()) {
      throw new IllegalArgumentException("select.uuids must be a non-empty list of UUIDs");
    }
    for (Object item : list) {
      if (!(item instanceof String uuid) || !uuid.matches("(GPU|MIG)-[A-Za-z0-9-]+")) {
        throw new IllegalArgumentException(
            "select.uuids has '" + item + "', not a GPU-… or MIG-… UUID");
      }
    }
    if (list.stream().distinct().count() != list.size()) {
      throw new IllegalArgumentException("select.uuids lists a UUID twice");
    }
    return list.stream().map(String.class::cast).toList();
  }
}
