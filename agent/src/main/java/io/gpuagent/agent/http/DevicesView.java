package io.gpuagent.agent.http;

import io.gpuagent.agent.NodeInventory;
import io.gpuagent.agent.NodeServices;
import io.gpuagent.deviceplugin.DevicePluginStatus;
import io.gpuagent.health.DeviceHealthView;
import io.gpuagent.nvml.health.HealthState;
import io.gpuagent.podresources.ContainerRef;
import io.gpuagent.podresources.PodAssignments;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code GET /api/v1/devices}: the inventory, and for each device what the running agent made of it
 * — the resource it is advertised as, its health, the containers holding it — plus the device
 * plugin's resources and problems. Reads published state only; never calls NVML.
 */
public final class DevicesView {
  private final String nodeName;
  private final NodeInventory inventory;
  private final NodeServices services;

  public DevicesView(String nodeName, NodeInventory inventory, NodeServices services) {
    this.nodeName = nodeName;
    this.inventory = inventory;
    this.services = services;
  }

  NodeInventory inventory() {
    return inventory;
  }

  /** Empty until the first inventory is built. */
  Optional<JsonObject> json() {
    return inventory.current().map(current -> render(current));
  }

  private JsonObject render(io.gpuagent.nvml.inventory.Inventory current) {
    Optional<DevicePluginStatus> plugin = services.devicePlugin().map(p -> p.status());
    Map<String, DevicePluginStatus.DeviceStatus> advertised =
        plugin.stream()
            .flatMap(status -> status.devices().stream())
            .collect(Collectors.toMap(d -> d.id(), d -> d, (a, b) -> a));
    Map<String, HealthState> health = services.health();
    Map<String, DeviceHealthView> details = services.healthDetails();
    PodAssignments pods = services.podAssignments();
    JsonObject json =
        InventoryJson.of(
            nodeName,
            current,
            uuid ->
                annotations(uuid, advertised, health, pods)
                    .mergeIn(HealthJson.of(Optional.ofNullable(details.get(uuid)))));
    plugin.ifPresent(status -> json.put("devicePlugin", DevicePluginJson.of(status)));
    services
        .devicePlugin()
        .ifPresent(p -> json.put("shared", SharedJson.of(p.sharedDevices(), p.mpsDaemons(), pods)));
    return json;
  }

  private static JsonObject annotations(
      String uuid,
      Map<String, DevicePluginStatus.DeviceStatus> advertised,
      Map<String, HealthState> health,
      PodAssignments pods) {
    JsonObject extra = new JsonObject();
    DevicePluginStatus.DeviceStatus device = advertised.get(uuid);
    if (device == null) {
      // a shared device is advertised as its shares: <uuid>::0, …
      device = advertised.get(uuid + "::0");
    }
    if (device != null) {
      extra.put("resource", device.resourceName());
    }
    // what the kubelet was told for an advertised device, else the health verdict itself
    HealthState state = device != null ? device.health() : health.get(uuid);
    if (state != null) {
      extra.put("health", state.isHealthy() ? "Healthy" : "Unhealthy");
      if (state instanceof HealthState.Unhealthy bad) {
        extra
            .put("healthReason", bad.reason().label())
            .put("unhealthySince", bad.since().toString());
      }
    }
    JsonArray holders = new JsonArray();
    for (ContainerRef holder : pods.holders(uuid)) {
      holders.add(
          new JsonObject()
              .put("namespace", holder.namespace())
              .put("pod", holder.pod())
              .put("container", holder.container()));
    }
    return extra.put("allocatedTo", holders);
  }
}
