package io.gpuagent.agent.http;

import io.gpuagent.health.DeviceHealthView;
import io.gpuagent.health.ProbeRun;
import io.gpuagent.nvml.health.HealthReason;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * The health module's evidence for one device in {@code /api/v1/devices}: since when it is in its
 * state, what still blocks recovery, passes so far, the last probe results and XID counts.
 */
final class HealthJson {
  private HealthJson() {}

  static JsonObject of(Optional<DeviceHealthView> view) {
    if (view.isEmpty()) {
      return new JsonObject();
    }
    DeviceHealthView device = view.get();
    JsonArray probes = new JsonArray();
    for (ProbeRun run : device.probes()) {
      probes.add(
          new JsonObject()
              .put("at", run.at().toString())
              .put("kind", run.kind().word())
              .put("outcome", run.result().outcome().name())
              .put("durationMs", run.result().duration().toMillis())
              .put("detail", run.result().detail()));
    }
    JsonObject xids = new JsonObject();
    device.xidCounts().forEach((xid, count) -> xids.put(String.valueOf(xid), count));
    JsonArray blockers = new JsonArray();
    device.blockers().stream().map(HealthReason::label).sorted().forEach(blockers::add);
    return new JsonObject()
        .put(
            "healthDetail",
            new JsonObject()
                .put("since", device.state().since().toString())
                .put("blockers", blockers)
                .put("recoveryPasses", device.passes())
                .put("recoveryPassesNeeded", device.passesToRecover())
                .put("lastProbes", probes)
                .put("xidCounts", xids)
                .put("probeErrors", device.probeErrors()));
  }
}
