package io.gpuagent.deviceplugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.gpuagent.deviceplugin.v1beta1.ContainerAllocateResponse;
import io.gpuagent.deviceplugin.v1beta1.DeviceSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Device specs against a host whose file system the test decides. */
class ContainerAllocationTest {
  private static final PlannedDevice GPU =
      new PlannedDevice("GPU-a", "GPU-a", 0, 3, Optional.empty(), Optional.empty(), false);
  private static final PlannedResource RESOURCE =
      new PlannedResource("gpu", "nvidia.com/gpu", List.of(GPU));

  private static ContainerAllocateResponse answer(Path driverRoot, Set<String> hostPaths) {
    DevicePluginConfig config =
        DevicePluginConfig.defaults()
            .withDeviceSpecs(true, DevicePluginConfig.DEFAULT_MIG_MINORS_FILE)
            .withDriverRoot(driverRoot);
    return new ContainerAllocation(config, path -> hostPaths.contains(path.toString()))
        .answer(RESOURCE, List.of(GPU), MigCapabilities.none());
  }

  @Test
  void aDriverRootWithoutItsOwnDevLeavesHostPathsUnderSlash() {
    ContainerAllocateResponse answer =
        answer(
            Path.of("/run/nvidia/driver"),
            Set.of("/dev/nvidiactl", "/dev/nvidia-uvm", "/dev/nvidia3"));

    assertThat(answer.getDevicesList())
        .extracting(DeviceSpec::getContainerPath, DeviceSpec::getHostPath)
        .containsExactly(
            tuple("/dev/nvidiactl", "/dev/nvidiactl"),
            tuple("/dev/nvidia-uvm", "/dev/nvidia-uvm"),
            tuple("/dev/nvidia3", "/dev/nvidia3"));
  }

  @Test
  void aDriverRootWithItsOwnDevHoldsTheHostNodes() {
    ContainerAllocateResponse answer =
        answer(
            Path.of("/run/nvidia/driver"),
            Set.of(
                "/run/nvidia/driver/dev",
                "/run/nvidia/driver/dev/nvidiactl",
                "/run/nvidia/driver/dev/nvidia3",
                "/dev/nvidia-uvm"));

    assertThat(answer.getDevicesList())
        .extracting(DeviceSpec::getContainerPath, DeviceSpec::getHostPath)
        .containsExactly(
            tuple("/dev/nvidiactl", "/run/nvidia/driver/dev/nvidiactl"),
            tuple("/dev/nvidia3", "/run/nvidia/driver/dev/nvidia3"));
  }

  @Test
  void noSpecsWithoutPassDeviceSpecs() {
    ContainerAllocateResponse answer =
        new ContainerAllocation(DevicePluginConfig.defaults(), path -> true)
            .answer(RESOURCE, List.of(GPU), MigCapabilities.none());

    assertThat(answer.getDevicesList()).isEmpty();
  }
}
