package io.gpuagent.agent.http;

import io.gpuagent.mig.ApplyReport;
import io.gpuagent.mig.GpuLayout;
import io.gpuagent.mig.GpuOutcome;
import io.gpuagent.mig.GpuPlan;
import io.gpuagent.mig.MigInstance;
import io.gpuagent.mig.MigStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The MIG manager's plans, reports and status as JSON: {@code /api/v1/mig} and {@code mig --json}.
 */
public final class MigJson {
  private MigJson() {}

  /** One GPU's layout: index, uuid, model, MIG mode and instances with profile and placement. */
  public static JsonObject layout(GpuLayout gpu) {
    JsonObject json =
        new JsonObject()
            .put("index", gpu.index())
            .put("uuid", gpu.uuid())
            .put("model", gpu.model())
            .put("migCapable", gpu.migCapable())
            .put("migEnabled", gpu.migEnabled());
    gpu.mode().ifPresent(mode -> json.put("migEnabledPending", mode.pending()));
    return json.put("instances", instances(gpu.instances()));
  }

  public static JsonArray instances(List<MigInstance> instances) {
    JsonArray list = new JsonArray();
    for (MigInstance instance : instances) {
      list.add(
          new JsonObject()
              .put("profile", instance.profile())
              .put("profileId", instance.profileId())
              .put("start", instance.placement().start())
              .put("size", instance.placement().size()));
    }
    return list;
  }

  /** What applying a layout would do: per GPU, the action, the layout now and the one wanted. */
  public static JsonObject plan(String layout, List<GpuPlan> plans) {
    JsonArray gpus = new JsonArray();
    for (GpuPlan plan : plans) {
      gpus.add(
          layout(plan.current())
              .put("action", plan.action().word())
              .put("reason", plan.reason())
              .put("wantMigEnabled", plan.migEnabled())
              .put("wantInstances", instances(plan.instances())));
    }
    return new JsonObject().put("layout", layout).put("gpus", gpus);
  }

  /** What an apply did: per GPU, the outcome, its reason and the layout afterwards. */
  public static JsonObject report(ApplyReport report) {
    JsonArray gpus = new JsonArray();
    for (GpuOutcome gpu : report.gpus()) {
      gpus.add(outcome(gpu));
    }
    return new JsonObject()
        .put("layout", report.layout())
        .put("state", report.state().word())
        .put("success", report.success())
        .put("tookMs", report.took().toMillis())
        .put("finished", report.finished().toString())
        .put("gpus", gpus);
  }

  private static JsonObject outcome(GpuOutcome gpu) {
    return layout(gpu.layout()).put("outcome", gpu.outcome().word()).put("reason", gpu.reason());
  }

  /** {@code GET /api/v1/mig}. */
  public static JsonObject status(MigStatus status) {
    JsonArray gpus = new JsonArray();
    for (GpuLayout gpu : status.gpus()) {
      JsonObject json = layout(gpu);
      status
          .outcome(gpu.index())
          .ifPresent(o -> json.put("outcome", o.outcome().word()).put("reason", o.reason()));
      gpus.add(json);
    }
    JsonObject json =
        new JsonObject()
            .put("configFile", status.configFile().orElse(null))
            .put("selected", status.selected().orElse(null))
            .put("state", status.state().map(s -> s.word()).orElse(null))
            .put("lastError", status.lastError().orElse(null));
    status
        .lastApply()
        .ifPresent(
            report ->
                json.put(
                    "lastApply",
                    new JsonObject()
                        .put("layout", report.layout())
                        .put("state", report.state().word())
                        .put("tookMs", report.took().toMillis())
                        .put("finished", report.finished().toString())));
    return json.put("gpus", gpus);
  }
}
