package io.gpuagent.deviceplugin.sharing;

import io.gpuagent.config.ValueType;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One item of {@code sharing.gpus}: the GPUs it selects and how they are shared.
 *
 * @param sliceBytes the size of one memory slice ({@code memory-slices} only, else 0)
 * @param reserveBytes memory kept back from slicing for the driver and contexts ({@code
 *     memory-slices} only, else 0)
 * @param replicas how many times each GPU is advertised ({@code replicas} only, else 0)
 */
public record SharingRule(
    GpuSelector select,
    SharingMode mode,
    long sliceBytes,
    long reserveBytes,
    Enforcement enforcement,
    int replicas) {

  public static final long DEFAULT_SLICE = 1L << 30;

  /** The smallest slice: 64 MiB keeps an 80 GiB GPU under 1,300 devices. */
  public static final long MIN_SLICE = 64L << 20;

  public static final int MAX_REPLICAS = 1024;

  static final ValueType.ByteSize SLICE = new ValueType.ByteSize(MIN_SLICE);
  static final ValueType.ByteSize RESERVE = new ValueType.ByteSize(0);
  static final ValueType.Word<SharingMode> MODE =
      new ValueType.Word<>(SharingMode.class, SharingMode::word);
  static final ValueType.Word<Enforcement> ENFORCEMENT =
      new ValueType.Word<>(Enforcement.class, Enforcement::word);
  static final ValueType.IntRange REPLICAS = new ValueType.IntRange(2, MAX_REPLICAS);

  private static final Set<String> FIELDS =
      Set.of("select", "mode", "sliceSize", "reserve", "enforcement", "replicas");

  public SharingRule {
    Objects.requireNonNull(select, "select");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(enforcement, "enforcement");
    switch (mode) {
      case MEMORY_SLICES -> {
        SLICE.check(sliceBytes);
        RESERVE.check(reserveBytes);
        if (replicas != 0) {
          throw new IllegalArgumentException("replicas is for mode replicas, not memory-slices");
        }
      }
      case REPLICAS -> {
        REPLICAS.check(replicas);
        if (sliceBytes != 0 || reserveBytes != 0) {
          throw new IllegalArgumentException(
              "sliceSize and reserve are for mode memory-slices, not replicas");
        }
        if (enforcement == Enforcement.KILL) {
          throw new IllegalArgumentException(
              "enforcement kill needs a memory quota: replicas have none (observe or mps)");
        }
      }
      case EXCLUSIVE -> {
        if (sliceBytes != 0 || reserveBytes != 0 || replicas != 0) {
          throw new IllegalArgumentException(
              "mode exclusive takes no sliceSize, reserve, replicas");
        }
      }
    }
  }

  /** One rule from its config-file mapping; unknown fields and missing ones are refused. */
  public static SharingRule parse(Map<String, Object> fields) {
    for (String field : fields.keySet()) {
      if (!FIELDS.contains(field)) {
        throw new IllegalArgumentException(
            "unknown field '"
                + field
                + "' (select, mode, sliceSize, reserve, enforcement, replicas)");
      }
    }
    if (!fields.containsKey("select") || !fields.containsKey("mode")) {
      throw new IllegalArgumentException("needs select and mode");
    }
    GpuSelector select = GpuSelector.parse(fields.get("select"));
    SharingMode mode = field("mode", MODE, fields.get("mode"));
    Enforcement enforcement =
        fields.containsKey("enforcement")
            ? field("enforcement", ENFORCEMENT, fields.get("enforcement"))
            : Enforcement.OBSERVE;
    boolean slices = mode == SharingMode.MEMORY_SLICES;
    long slice =
        fields.containsKey("sliceSize")
            ? field("sliceSize", SLICE, fields.get("sliceSize"))
            : slices ? DEFAULT_SLICE : 0;
    long reserve =
        fields.containsKey("reserve") ? field("reserve", RESERVE, fields.get("reserve")) : 0;
    if (mode == SharingMode.REPLICAS && !fields.containsKey("replicas")) {
      throw new IllegalArgumentException("mode replicas needs replicas: <2–" + MAX_REPLICAS + ">");
    }
    int replicas =
        fields.containsKey("replicas") ? field("replicas", REPLICAS, fields.get("replicas")) : 0;
    if (mode == SharingMode.EXCLUSIVE && fields.containsKey("enforcement")) {
      throw new IllegalArgumentException("mode exclusive takes no enforcement");
    }
    return new SharingRule(select, mode, slice, reserve, enforcement, replicas);
  }

  private static <T> T field(String name, ValueType<T> type, Object raw) {
    try {
      return type.parse(raw);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + " '" + raw + "' " + e.getMessage(), e);
    }
  }

  /** As written in a config file. */
  public String written() {
    StringBuilder text =
        new StringBuilder("{select: ")
            .append(select.written())
            .append(", mode: ")
            .append(mode.word());
    switch (mode) {
      case MEMORY_SLICES ->
          text.append(", sliceSize: ")
              .append(SLICE.format(sliceBytes))
              .append(", reserve: ")
              .append(RESERVE.format(reserveBytes));
      case REPLICAS -> text.append(", replicas: ").append(replicas);
      case EXCLUSIVE -> {}
    }
    if (mode != SharingMode.EXCLUSIVE) {
      text.append(", enforcement: ").append(enforcement.word().toLowerCase(Locale.ROOT));
    }
    return text.append('}').toString();
  }
}
