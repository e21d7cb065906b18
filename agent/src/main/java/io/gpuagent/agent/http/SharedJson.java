package io.gpuagent.agent.http;

import io.gpuagent.deviceplugin.sharing.MpsDaemonStatus;
import io.gpuagent.deviceplugin.sharing.SharedDevice;
import io.gpuagent.podresources.ContainerRef;
import io.gpuagent.podresources.PodAssignments;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The shared GPU and MIG devices for {@code /api/v1/devices}: each one's mode, shares, how many are
 * free (held by no container the kubelet reports), who holds the others, and its MPS daemon.
 */
final class SharedJson {
  private SharedJson() {}

  static JsonArray of(
      Map<String, SharedDevice> shared, List<MpsDaemonStatus> daemons, PodAssignments pods) {
    JsonArray devices = new JsonArray();
    for (SharedDevice device : new TreeMap<>(shared).values()) {
      Map<ContainerRef, List<String>> held = new LinkedHashMap<>();
      for (int k = 0; k < device.shares(); k++) {
        String id = device.share(k).id();
        for (ContainerRef holder : pods.holders(id)) {
          held.computeIfAbsent(holder, h -> new ArrayList<>()).add(id);
        }
      }
      long heldShares = held.values().stream().flatMap(List::stream).distinct().count();
      JsonArray holders = new JsonArray();
      held.forEach(
          (holder, ids) ->
              holders.add(
                  new JsonObject()
                      .put("namespace", holder.namespace())
                      .put("pod", holder.pod())
                      .put("container", holder.container())
                      .put("shares", ids.size())
                      .put("quotaBytes", device.quotaBytes(ids.size()))
                      .put("deviceIds", new JsonArray(ids))));
      JsonObject json =
          new JsonObject()
              .put("uuid", device.uuid())
              .put("mode", device.mode().word())
              .put("enforcement", device.enforcement().word())
              .put("resource", device.resource())
              .put("sliceBytes", device.sliceBytes())
              .put("shares", device.shares())
              .put("free", device.shares() - heldShares)
              .put("holders", holders);
      daemons.stream()
          .filter(daemon -> daemon.uuid().equals(device.uuid()))
          .findFirst()
          .ifPresent(
              daemon ->
                  json.put(
                      "mpsDaemon",
                      new JsonObject()
                          .put("state", daemon.state().word())
                          .put("restarts", daemon.restarts())
                          .put("since", daemon.since().toString())
                          .put("lastError", daemon.lastError().orElse(null))));
      devices.add(json);
    }
    return devices;
  }
}
