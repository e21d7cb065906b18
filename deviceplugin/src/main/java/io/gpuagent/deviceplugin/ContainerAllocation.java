package io.gpuagent.deviceplugin;

import io.gpuagent.deviceplugin.sharing.SharedDevice;
import io.gpuagent.deviceplugin.v1beta1.CDIDevice;
import io.gpuagent.deviceplugin.v1beta1.ContainerAllocateResponse;
import io.gpuagent.deviceplugin.v1beta1.DeviceSpec;
import io.gpuagent.deviceplugin.v1beta1.Mount;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Builds one container's Allocate answer from its devices (already validated, in node order) with
 * the configured device-list strategies, as NVIDIA's device plugin answers them.
 */
final class ContainerAllocation {
  static final String VISIBLE_DEVICES = "NVIDIA_VISIBLE_DEVICES";
  static final String DRIVER_CAPABILITIES = "NVIDIA_DRIVER_CAPABILITIES";

  /** The container toolkit reads the device list from mounts under this path. */
  static final String VOLUME_MOUNT_ROOT = "/var/run/nvidia-container-devices";

  /**
   * The CDI kind of the specs {@code nvidia-ctk cdi generate} writes; it names GPUs and MIG devices
   * by UUID whatever resource they are advertised as.
   */
  static final String CDI_KIND = "nvidia.com/gpu";

  static final String CDI_ANNOTATION_PREFIX = "cdi.k8s.io/gpu-agent_";

  /** Device nodes are under the host's own /dev when the driver root has none. */
  private static final Path HOST_ROOT = Path.of("/");

  private static final List<String> CONTROL_DEVICES =
      List.of("/dev/nvidiactl", "/dev/nvidia-uvm", "/dev/nvidia-uvm-tools");

  private final DevicePluginConfig config;
  private final Predicate<Path> exists;

  ContainerAllocation(DevicePluginConfig config) {
    this(config, Files::exists);
  }

  /** {@code exists} tells which host paths are there (the file system; tests fake it). */
  ContainerAllocation(DevicePluginConfig config, Predicate<Path> exists) {
    this.config = config;
    this.exists = exists;
  }

  ContainerAllocateResponse answer(
      PlannedResource resource, List<PlannedDevice> devices, MigCapabilities capabilities) {
    return answer(resource, devices, capabilities, Map.of());
  }

  /**
   * @param shared the shared devices of the resource by UUID: shares are named by the device they
   *     share (once), and get {@link ShareGrant}'s variables
   * @throws IllegalArgumentException when memory slices or MPS shares span devices
   */
  ContainerAllocateResponse answer(
      PlannedResource resource,
      List<PlannedDevice> devices,
      MigCapabilities capabilities,
      Map<String, SharedDevice> shared) {
    ShareGrant.check(devices, shared);
    // A share is its GPU or MIG device to the runtime; several shares of one name it once.
    List<String> ids = devices.stream().map(PlannedDevice::target).distinct().toList();
    ContainerAllocateResponse.Builder answer = ContainerAllocateResponse.newBuilder();
    Set<DeviceListStrategy> strategies = config.deviceListStrategies();
    if (strategies.contains(DeviceListStrategy.ENVVAR)) {
      answer.putEnvs(VISIBLE_DEVICES, String.join(",", ids));
    }
    // Like NVIDIA's plugin: with volume-mounts on, the variable only points at the mounts.
    if (strategies.contains(DeviceListStrategy.VOLUME_MOUNTS)) {
      answer.putEnvs(VISIBLE_DEVICES, VOLUME_MOUNT_ROOT);
      for (String id : ids) {
        answer.addMounts(
            Mount.newBuilder()
                .setContainerPath(VOLUME_MOUNT_ROOT + "/" + id)
                .setHostPath("/dev/null"));
      }
    }
    if (strategies.contains(DeviceListStrategy.CDI_ANNOTATIONS)) {
      answer.putAnnotations(
          CDI_ANNOTATION_PREFIX + resource.shortName(),
          ids.stream().map(ContainerAllocation::cdiName).collect(Collectors.joining(",")));
    }
    if (strategies.contains(DeviceListStrategy.CDI_CRI)) {
      ids.forEach(id -> answer.addCdiDevices(CDIDevice.newBuilder().setName(cdiName(id))));
    }
    config.driverCapabilities().ifPresent(value -> answer.putEnvs(DRIVER_CAPABILITIES, value));
    ShareGrant.grant(answer, devices, shared, config.sharing());
    if (config.passDeviceSpecs()) {
      Path hostRoot = hostDeviceRoot();
      for (String path : deviceNodes(devices, capabilities)) {
        Path host = hostRoot.resolve(path.substring(1));
        // The UVM nodes appear only once the module is used; a missing node fails the container.
        if (exists.test(host)) {
          answer.addDevices(
              DeviceSpec.newBuilder()
                  .setContainerPath(path)
                  .setHostPath(host.toString())
                  .setPermissions("rw"));
        }
      }
    }
    return answer.build();
  }

  /**
   * The driver root when it has its own {@code dev} (the GPU operator's driver container), else /.
   */
  private Path hostDeviceRoot() {
    Path root = config.driverRoot();
    return exists.test(root.resolve("dev")) ? root : HOST_ROOT;
  }

  static String cdiName(String id) {
    return CDI_KIND + "=" + id;
  }

  /**
   * The control nodes, then per device its GPU's node ({@code /dev/nvidia<minor>}, shared by the
   * MIG devices of one GPU) and, for a MIG device, its two capability nodes when the driver's table
   * names them.
   */
  private static Set<String> deviceNodes(
      List<PlannedDevice> devices, MigCapabilities capabilities) {
    Set<String> paths = new LinkedHashSet<>(CONTROL_DEVICES);
    for (PlannedDevice device : devices) {
      paths.add("/dev/nvidia" + device.gpuMinor());
      device
          .mig()
          .ifPresent(
              mig -> {
                capabilityNode(
                        capabilities.gpuInstanceAccess(device.gpuMinor(), mig.gpuInstanceId()))
                    .ifPresent(paths::add);
                capabilityNode(
                        capabilities.computeInstanceAccess(
                            device.gpuMinor(), mig.gpuInstanceId(), mig.computeInstanceId()))
                    .ifPresent(paths::add);
              });
    }
    return paths;
  }

  private static Optional<String> capabilityNode(OptionalInt minor) {
    return minor.isPresent()
        ? Optional.of("/dev/nvidia-caps/nvidia-cap" + minor.getAsInt())
        : Optional.empty();
  }
}
