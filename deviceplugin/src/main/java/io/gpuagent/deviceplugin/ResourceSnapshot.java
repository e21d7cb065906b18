package io.gpuagent.deviceplugin;

import io.gpuagent.deviceplugin.allocation.PreferredAllocator;
import io.gpuagent.deviceplugin.v1beta1.Device;
import io.gpuagent.deviceplugin.v1beta1.ListAndWatchResponse;
import io.gpuagent.deviceplugin.v1beta1.NUMANode;
import io.gpuagent.deviceplugin.v1beta1.TopologyInfo;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one resource's server answers from, built whole on every plan or health change and swapped
 * in by one reference, so the gRPC handlers never lock and never call NVML.
 */
record ResourceSnapshot(
    PlannedResource resource,
    Map<String, AdvertisedDevice> devices,
    ListAndWatchResponse listing,
    PreferredAllocator allocator,
    MigCapabilities capabilities) {

  /** A device with its health at the time of the snapshot; {@code order} is its node order. */
  record AdvertisedDevice(PlannedDevice device, DeviceHealth health, int order) {}

  static ResourceSnapshot of(
      PlannedResource resource,
      DeviceHealthBook health,
      PreferredAllocator allocator,
      MigCapabilities capabilities) {
    Map<String, AdvertisedDevice> devices = new LinkedHashMap<>();
    ListAndWatchResponse.Builder listing = ListAndWatchResponse.newBuilder();
    List<PlannedDevice> planned = resource.devices();
    for (int i = 0; i < planned.size(); i++) {
      PlannedDevice device = planned.get(i);
      DeviceHealth deviceHealth = health.effective(device);
      devices.put(device.id(), new AdvertisedDevice(device, deviceHealth, i));
      listing.addDevices(kubeletDevice(device, deviceHealth));
    }
    return new ResourceSnapshot(
        resource, Collections.unmodifiableMap(devices), listing.build(), allocator, capabilities);
  }

  Optional<AdvertisedDevice> device(String id) {
    return Optional.ofNullable(devices.get(id));
  }

  private static Device kubeletDevice(PlannedDevice device, DeviceHealth health) {
    Device.Builder builder =
        Device.newBuilder().setID(device.id()).setHealth(health.kubeletValue());
    device
        .numaNode()
        .ifPresent(
            node ->
                builder.setTopology(
                    TopologyInfo.newBuilder().addNodes(NUMANode.newBuilder().setID(node))));
    return builder.build();
  }
}
