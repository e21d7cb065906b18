package io.gpuagent.agent.http;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The body of {@code PUT /api/v1/sim/gpus/{device}/mig}, the layout an operator asks {@code
 * nvidia-smi mig} or {@code nvidia-mig-parted} for:
 *
 * <pre>
 * {"migEnabled": true, "instances": ["3g.40gb", "3g.40gb"]}
 * {"migEnabled": false}
 * </pre>
 */
final class SimMigJson {
  private static final Set<String> FIELDS = Set.of("migEnabled", "instances");

  /** A parsed request: the mode, and one GPU-instance profile per instance, in order. */
  record Request(boolean migEnabled, List<String> instances) {
    Request {
      instances = List.copyOf(instances);
    }

    JsonObject toJson(String gpuUuid) {
      return new JsonObject()
          .put("gpu", gpuUuid)
          .put("migEnabled", migEnabled)
          .put("instances", new JsonArray(instances));
    }
  }

  private SimMigJson() {}

  /** Parses a request body; {@link IllegalArgumentException} with a one-line reason if bad. */
  static Request parse(JsonObject body) {
    for (String field : body.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw new IllegalArgumentException(
            "unknown field '" + field + "' (known: instances, migEnabled)");
      }
    }
    Object migEnabled = body.getValue("migEnabled");
    if (migEnabled == null) {
      throw new IllegalArgumentException("field 'migEnabled' is required: true or false");
    }
    if (!(migEnabled instanceof Boolean enabled)) {
      throw new IllegalArgumentException(
          "field 'migEnabled' must be true or false, not " + Json.encode(migEnabled));
    }
    Object instances = body.getValue("instances", new JsonArray());
    if (!(instances instanceof JsonArray list)) {
      throw new IllegalArgumentException(
          "field 'instances' must be a list of MIG profiles, e.g. [\"3g.40gb\"]");
    }
    List<String> profiles = new ArrayList<>();
    for (Object profile : list) {
      if (!(profile instanceof String name) || name.isBlank()) {
        throw new IllegalArgumentException(
            "field 'instances' must hold MIG profile names such as \"3g.40gb\", not " + profile);
      }
      profiles.add(name);
    }
    return new Request(enabled, profiles);
  }
}
