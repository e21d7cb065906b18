package io.gpuagent.deviceplugin;

import io.gpuagent.deviceplugin.sharing.SharedDevice;
import io.gpuagent.nvml.inventory.Inventory;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What to advertise for one inventory: the resources with their devices, the shared GPU and MIG
 * devices by UUID, and the problems that kept something from being advertised (one line each).
 */
record ResourcePlan(
    Inventory inventory,
    List<PlannedResource> resources,
    Map<String, SharedDevice> shared,
    List<String> problems) {

  ResourcePlan {
    resources = List.copyOf(resources);
    shared = Map.copyOf(shared);
    problems = List.copyOf(problems);
  }

  /** Every advertised device with this ID (a device sits in one resource). */
  Optional<PlannedDevice> device(String id) {
    return resources.stream()
        .flatMap(resource -> resource.devices().stream())
        .filter(device -> device.id().equals(id))
        .findFirst();
  }

  /** True for a GPU or MIG UUID of the inventory or of a device the plan still carries. */
  boolean knows(String uuid) {
    return inventory.knows(uuid)
        || resources.stream()
            .flatMap(resource -> resource.devices().stream())
            .anyMatch(device -> device.id().equals(uuid) || device.gpuUuid().equals(uuid));
  }
}
