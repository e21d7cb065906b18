package io.gpuagent.agent.http;

import io.gpuagent.deviceplugin.DevicePluginStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The device plugin's resources and registration state, for {@code /api/v1/devices}. */
final class DevicePluginJson {
  private DevicePluginJson() {}

  static JsonObject of(DevicePluginStatus status) {
    JsonArray resources = new JsonArray();
    for (DevicePluginStatus.ResourceStatus resource : status.resources()) {
      resources.add(
          new JsonObject()
              .put("resource", resource.resourceName())
              .put("socket", resource.socket().toString())
              .put("registered", resource.registered())
              .put("registeredAt", resource.registeredAt().map(Object::toString).orElse(null))
              .put("lastRegistrationError", resource.lastRegistrationError().orElse(null))
              .put("listAndWatchStreams", resource.listAndWatchStreams())
              .put("devices", resource.devices().size())
              .put(
                  "healthyDevices",
                  resource.devices().stream().filter(d -> d.health().isHealthy()).count()));
    }
    return new JsonObject()
        .put("resources", resources)
        .put("problems", new JsonArray(status.problems()));
  }
}
