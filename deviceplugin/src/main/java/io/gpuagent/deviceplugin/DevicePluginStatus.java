package io.gpuagent.deviceplugin;

import io.gpuagent.nvml.health.HealthState;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the device plugin advertises right now, for {@code /api/v1/devices}: each resource with its
 * socket and registration, each device with its health, and the problems that kept something from
 * being advertised.
 */
public record DevicePluginStatus(List<ResourceStatus> resources, List<String> problems) {

  public DevicePluginStatus {
    resources = List.copyOf(resources);
    problems = List.copyOf(problems);
  }

  /** Every advertised device, resource by resource. */
  public List<DeviceStatus> devices() {
    return resources.stream().flatMap(resource -> resource.devices().stream()).toList();
  }

  /**
   * One resource's server.
   *
   * @param registered whether the kubelet now running accepted the registration
   * @param registeredAt the last successful registration, also with an earlier kubelet
   * @param lastRegistrationError the last failed attempt's error, cleared by a success
   * @param listAndWatchStreams how many ListAndWatch streams are open (the kubelet holds one)
   */
  public record ResourceStatus(
      String resourceName,
      Path socket,
      boolean registered,
      Optional<Instant> registeredAt,
      Optional<String> lastRegistrationError,
      int listAndWatchStreams,
      List<DeviceStatus> devices) {

    public ResourceStatus {
      devices = List.copyOf(devices);
    }
  }

  /**
   * One advertised device. {@code id} is what the kubelet sees (GPU or MIG UUID); {@code gpuUuid}
   * is the physical GPU it is on; {@code migProfile} is empty for a whole GPU; {@code health} is
   * the health module's verdict as advertised.
   */
  public record DeviceStatus(
      String resourceName,
      String id,
      String gpuUuid,
      Optional<String> migProfile,
      HealthState health,
      Optional<Integer> numaNode) {

    /** What ListAndWatch tells the kubelet: {@code Healthy} or {@code Unhealthy}. */
    public String kubeletHealth() {
      return ResourceSnapshot.kubeletValue(health);
    }
  }
}
