package io.gpuagent.deviceplugin;

import io.gpuagent.deviceplugin.allocation.PreferredAllocator;
import io.gpuagent.deviceplugin.sharing.SharedDevice;
import io.gpuagent.deviceplugin.v1beta1.Device;
import io.gpuagent.deviceplugin.v1beta1.ListAndWatchResponse;
import io.gpuagent.deviceplugin.v1beta1.NUMANode;
import io.gpuagent.deviceplugin.v1beta1.TopologyInfo;
import io.gpuagent.nvml.health.HealthState;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one resource's server answers from, built whole on every plan or health change and swapped
 * in by one reference, so the gRPC handlers never lock and never call NVML. Each device's health is
 * the health module's verdict for its ID (for a share: for the device it shares); a device the
 * verdict does not name is healthy. {@code shared} holds the shared devices whose shares this
 * resource advertises, by UUID.
 */
record ResourceSnapshot(
    PlannedResource resource,
    Map<String, AdvertisedDevice> devices,
    ListAndWatchResponse listing,
    PreferredAllocator allocator,
    MigCapabilities capabilities,
    Map<String, SharedDevice> shared) {

  /** A device with its health at the time of the snapshot; {@code order} is its node order. */
  record AdvertisedDevice(PlannedDevice device, HealthState health, int order) {}

  /** The health of a device no verdict names. */
  static final HealthState UNJUDGED = new HealthState.Healthy(Instant.EPOCH);

  static ResourceSnapshot of(
      PlannedResource resource,
      Map<String, HealthState> health,
      PreferredAllocator allocator,
      MigCapabilities capabilities,
      Map<String, SharedDevice> shared) {
    Map<String, AdvertisedDevice> devices = new LinkedHashMap<>();
    ListAndWatchResponse.Builder listing = ListAndWatchResponse.newBuilder();
    List<PlannedDevice> planned = resource.devices();
    for (int i = 0; i < planned.size(); i++) {
      PlannedDevice device = planned.get(i);
      // A share is as healthy as the GPU or MIG device it is a share of.
      HealthState deviceHealth = health.getOrDefault(device.target(), UNJUDGED);
      devices.put(device.id(), new AdvertisedDevice(device, deviceHealth, i));
      listing.addDevices(kubeletDevice(device, deviceHealth));
    }
    return new ResourceSnapshot(
        resource,
        Collections.unmodifiableMap(devices),
        listing.build(),
        allocator,
        capabilities,
        Map.copyOf(shared));
  }

  Optional<AdvertisedDevice> device(String id) {
    return Optional.ofNullable(devices.get(id));
  }

  /** The kubelet's word: {@code Healthy} or {@code Unhealthy}. */
  static String kubeletValue(HealthState health) {
    return health.isHealthy() ? "Healthy" : "Unhealthy";
  }

  private static Device kubeletDevice(PlannedDevice device, HealthState health) {
    Device.Builder builder = Device.newBuilder().setID(device.id()).setHealth(kubeletValue(health));
    device
        .numaNode()
        .ifPresent(
            node ->
                builder.setTopology(
                    TopologyInfo.newBuilder().addNodes(NUMANode.newBuilder().setID(node))));
    return builder.build();
  }
}
