package io.gpuagent.agent.http;

import io.gpuagent.nvml.sim.ActiveFault;
import io.gpuagent.nvml.sim.SimFault;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The JSON form of simulator faults, for {@code /api/v1/sim/faults}:
 *
 * <pre>
 * {"device": "GPU-…" | "MIG-…" | 3, "fault": "xid", "xid": 79}
 * {"device": …, "fault": "ecc", "corrected": 0, "uncorrected": 1}
 * {"device": …, "fault": "row-remap-pending" | "row-remap-failure" | "lost"}
 * {"device": …, "fault": "latency", "delayMs": 500}
 * {"device": …, "fault": "process", "pid": 4242, "usedMemoryBytes": 1073741824, "smPercent": 80}
 * </pre>
 */
final class SimFaultJson {
  /** The fields each fault kind takes besides {@code device} and {@code fault}. */
  private static final Map<String, Set<String>> FIELDS =
      Map.ofEntries(
          Map.entry("xid", Set.of("xid")),
          Map.entry("ecc", Set.of("corrected", "uncorrected")),
          Map.entry("row-remap-pending", Set.of()),
          Map.entry("row-remap-failure", Set.of()),
          Map.entry("lost", Set.of()),
          Map.entry("latency", Set.of("delayMs")),
          Map.entry("process", Set.of("pid", "usedMemoryBytes", "smPercent")),
          Map.entry("bad-memory", Set.of("mismatches")),
          Map.entry("hung-kernel", Set.of()),
          Map.entry("slow-kernel", Set.of("delayMs")),
          Map.entry("unprivileged", Set.of()),
          Map.entry("no-all-links-scope", Set.of()),
          Map.entry("mig-create-failure", Set.of("after")));

  /** XIDs are small codes; NVML's event data is wider, the catalogue ends far below this. */
  static final int MAX_XID = 65_535;

  /** Linux's largest pid_max. */
  static final int MAX_PID = 4_194_304;

  /** Error or mismatch counts per injection. */
  static final long MAX_COUNT = 1_000_000_000L;

  /** 1 PiB: more than any GPU has. */
  static final long MAX_MEMORY_BYTES = 1L << 50;

  /** A parsed request: the device as the user named it, and the fault. */
  record Request(Object device, SimFault fault) {}

  private SimFaultJson() {}

  /** Parses a request body; {@link IllegalArgumentException} with a one-line reason if bad. */
  static Request parse(JsonObject body) {
    Object device = body.getValue("device");
    if (!(device instanceof String) && !(device instanceof Integer)) {
      throw new IllegalArgumentException(
          "field 'device' is required: a GPU or MIG UUID, or a GPU index");
    }
    if (!(body.getValue("fault") instanceof String kind)) {
      throw new IllegalArgumentException(
          "field 'fault' is required: one of " + String.join(", ", new TreeSet<>(FIELDS.keySet())));
    }
    Set<String> allowed = FIELDS.get(kind);
    if (allowed == null) {
      throw new IllegalArgumentException(
          "unknown fault '"
              + kind
              + "' (known: "
              + String.join(", ", new TreeSet<>(FIELDS.keySet()))
              + ")");
    }
    for (String field : body.fieldNames()) {
      if (!field.equals("device") && !field.equals("fault") && !allowed.contains(field)) {
        throw new IllegalArgumentException("fault '" + kind + "' has no field '" + field + "'");
      }
    }
    SimFault fault =
        switch (kind) {
          case "xid" -> new SimFault.Xid(requiredInt(body, "xid", 1, MAX_XID));
          case "ecc" ->
              new SimFault.EccErrors(
                  optionalLong(body, "corrected", MAX_COUNT),
                  optionalLong(body, "uncorrected", MAX_COUNT));
          case "row-remap-pending" -> new SimFault.RowRemapPending();
          case "row-remap-failure" -> new SimFault.RowRemapFailure();
          case "lost" -> new SimFault.Lost();
          case "latency" ->
              new SimFault.Latency(
                  Duration.ofMillis(
                      requiredLong(body, "delayMs", 1, SimFault.Latency.MAX.toMillis())));
          case "process" ->
              new SimFault.Process(
                  requiredInt(body, "pid", 1, MAX_PID),
                  requiredLong(body, "usedMemoryBytes", 0, MAX_MEMORY_BYTES),
                  body.containsKey("smPercent") ? requiredInt(body, "smPercent", 0, 100) : 100);
          case "bad-memory" ->
              new SimFault.BadMemory(
                  body.containsKey("mismatches")
                      ? requiredLong(body, "mismatches", 1, MAX_COUNT)
                      : 1);
          case "hung-kernel" -> new SimFault.HungKernel();
          case "slow-kernel" ->
              new SimFault.SlowKernel(
                  Duration.ofMillis(
                      requiredLong(body, "delayMs", 1, SimFault.SlowKernel.MAX.toMillis())));
          case "unprivileged" -> new SimFault.Unprivileged();
          case "no-all-links-scope" -> new SimFault.NoAllLinksScope();
          case "mig-create-failure" ->
              new SimFault.MigCreateFailure(
                  body.containsKey("after") ? requiredInt(body, "after", 0, MAX_MIG_CREATIONS) : 0);
          default -> throw new IllegalStateException("fault kind without a parser: " + kind);
        };
    return new Request(device, fault);
  }

  static JsonObject of(ActiveFault active) {
    return new JsonObject()
        .put("device", active.deviceUuid())
        .put("since", active.since().toString())
        .mergeIn(of(active.fault()));
  }

  static JsonObject of(SimFault fault) {
    return new JsonObject().put("fault", fault.kind()).mergeIn(new JsonObject(fault.parameters()));
  }

  /** More instance creations than any layout makes (7 GPU + 7 compute instances a GPU). */
  private static final int MAX_MIG_CREATIONS = 1_000;

  private static int requiredInt(JsonObject body, String field, int min, int max) {
    return (int) requiredLong(body, field, min, max);
  }

  /**
   * A whole JSON number in {@code [min, max]}. Numbers beyond 64 bits arrive as {@link BigInteger}
   * and are refused, never wrapped (2^64+79 is not 79).
   */
  private static long requiredLong(JsonObject body, String field, long min, long max) {
    Object value = body.getValue(field);
    if (value == null) {
      throw new IllegalArgumentException("field '" + field + "' is required");
    }
    if (!(value instanceof Integer
        || value instanceof Long
        || value instanceof Short
        || value instanceof Byte
        || value instanceof BigInteger)) {
      throw new IllegalArgumentException("field '" + field + "' must be a whole number");
    }
    BigInteger number =
        value instanceof BigInteger big ? big : BigInteger.valueOf(((Number) value).longValue());
    if (number.compareTo(BigInteger.valueOf(min)) < 0
        || number.compareTo(BigInteger.valueOf(max)) > 0) {
      throw new IllegalArgumentException(
          "field '" + field + "' must be between " + min + " and " + max);
    }
    return number.longValue();
  }

  private static long optionalLong(JsonObject body, String field, long max) {
    return body.containsKey(field) ? requiredLong(body, field, 0, max) : 0;
  }
}
