package io.gpuagent.exporter.snapshot;

import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.podresources.ContainerRef;
import io.gpuagent.podresources.PodAssignments;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which containers hold each GPU and MIG device, from the kubelet's device IDs: a GPU UUID or MIG
 * UUID is that device, a memory slice {@code GPU-…::n} is part of its GPU. A device held by exactly
 * one container is that container's, and its series carry pod labels; a device shared by several
 * (memory slices of different pods) keeps unlabelled series, so nothing is counted twice
 * (dcgm-exporter issue #307). IDs of devices this node does not have are ignored.
 */
final class PodAttribution {
  static final PodAttribution NONE = new PodAttribution(Map.of(), Set.of());

  /** Device UUID → container → how many of its device IDs the container holds. */
  private final Map<String, Map<ContainerRef, Integer>> holders;

  private final Set<String> shared;

  private PodAttribution(Map<String, Map<ContainerRef, Integer>> holders, Set<String> shared) {
    this.holders = holders;
    this.shared = Set.copyOf(shared);
  }

  /** A device in {@code shared} has holders but never an owner, however many hold it. */
  static PodAttribution of(PodAssignments assignments, Inventory inventory, Set<String> shared) {
    Map<String, Map<ContainerRef, Integer>> holders = new HashMap<>();
    assignments
        .byDeviceId()
        .forEach(
            (deviceId, containers) -> {
              String device = deviceOf(deviceId);
              if (!inventory.knows(device)) {
                return;
              }
              Map<ContainerRef, Integer> byContainer =
                  holders.computeIfAbsent(device, key -> new LinkedHashMap<>());
              for (ContainerRef container : List.copyOf(containers)) {
                byContainer.merge(container, 1, Integer::sum);
              }
            });
    return new PodAttribution(holders, shared);
  }

  /** The one container holding the device, if exactly one does. */
  Optional<ContainerRef> owner(String deviceUuid) {
    if (shared.contains(deviceUuid)) {
      return Optional.empty();
    }
    Map<ContainerRef, Integer> byContainer = holders.getOrDefault(deviceUuid, Map.of());
    return byContainer.size() == 1
        ? Optional.of(byContainer.keySet().iterator().next())
        : Optional.empty();
  }

  /** Every container holding part of the device, with the number of device IDs it holds. */
  Map<ContainerRef, Integer> holders(String deviceUuid) {
    return holders.getOrDefault(deviceUuid, Map.of());
  }

  /** {@code GPU-…::3} (a memory slice) belongs to {@code GPU-…}. */
  static String deviceOf(String deviceId) {
    int slice = deviceId.indexOf("::");
    return slice < 0 ? deviceId : deviceId.substring(0, slice);
  }
}
