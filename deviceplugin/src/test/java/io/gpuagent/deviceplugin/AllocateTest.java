package io.gpuagent.deviceplugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.gpuagent.deviceplugin.allocation.TopologyAllocator;
import io.gpuagent.deviceplugin.v1beta1.CDIDevice;
import io.gpuagent.deviceplugin.v1beta1.ContainerAllocateResponse;
import io.gpuagent.deviceplugin.v1beta1.DeviceSpec;
import io.gpuagent.deviceplugin.v1beta1.Mount;
import io.gpuagent.deviceplugin.v1beta1.PreStartContainerRequest;
import io.gpuagent.deviceplugin.v1beta1.PreStartContainerResponse;
import io.gpuagent.nvml.health.HealthReason;
import io.gpuagent.nvml.health.HealthState;
import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.inventory.MigDevice;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AllocateTest {
  private static final Instant SINCE = Instant.parse("2026-02-03T04:05:06Z");

  @RegisterExtension final PluginFixtures fixtures = new PluginFixtures();

  private PluginFixture fixture;
  private DevicePluginService service;
  private List<String> gpus;

  private PluginClient start(String profile, DevicePluginConfig config, String resource) {
    fixture = fixtures.open(profile);
    service = fixture.start(config);
    gpus = fixture.node.current().gpus().stream().map(Gpu::uuid).toList();
    return fixture.kubelet.plugin(resource);
  }

  private PluginClient startH100(Set<DeviceListStrategy> strategies) {
    return start(
        "h100x8",
        DevicePluginConfig.defaults().withDeviceListStrategies(strategies),
        "nvidia.com/gpu");
  }

  private static ContainerAllocateResponse only(PluginClient plugin, List<String> ids) {
    return plugin.allocate(ids).getContainerResponses(0);
  }

  @Test
  void envvarListsTheDevicesInNodeOrderWhateverTheRequestOrder() {
    PluginClient plugin = startH100(Set.of(DeviceListStrategy.ENVVAR));

    ContainerAllocateResponse answer = only(plugin, List.of(gpus.get(5), gpus.get(2)));

    assertThat(answer.getEnvsMap())
        .containsExactly(Map.entry("NVIDIA_VISIBLE_DEVICES", gpus.get(2) + "," + gpus.get(5)));
    assertThat(answer.getMountsList()).isEmpty();
    assertThat(answer.getAnnotationsMap()).isEmpty();
    assertThat(answer.getCdiDevicesList()).isEmpty();
    assertThat(answer.getDevicesList()).isEmpty();
  }

  @Test
  void volumeMountsPointTheVariableAtOneMountPerDevice() {
    PluginClient plugin = startH100(Set.of(DeviceListStrategy.VOLUME_MOUNTS));

    ContainerAllocateResponse answer = only(plugin, List.of(gpus.get(7), gpus.get(0)));

    assertThat(answer.getEnvsMap())
        .containsExactly(Map.entry("NVIDIA_VISIBLE_DEVICES", "/var/run/nvidia-container-devices"));
    assertThat(answer.getMountsList())
        .extracting(Mount::getContainerPath, Mount::getHostPath)
        .containsExactly(
            tuple("/var/run/nvidia-container-devices/" + gpus.get(0), "/dev/null"),
            tuple("/var/run/nvidia-container-devices/" + gpus.get(7), "/dev/null"));
  }

  @Test
  void cdiStrategiesNameEachDeviceByUuid() {
    PluginClient plugin =
        startH100(Set.of(DeviceListStrategy.CDI_ANNOTATIONS, DeviceListStrategy.CDI_CRI));

    ContainerAllocateResponse answer = only(plugin, List.of(gpus.get(1), gpus.get(3)));

    assertThat(answer.getEnvsMap()).isEmpty();
    assertThat(answer.getAnnotationsMap())
        .containsExactly(
            Map.entry(
                "cdi.k8s.io/gpu-agent_gpu",
                "nvidia.com/gpu=" + gpus.get(1) + ",nvidia.com/gpu=" + gpus.get(3)));
    assertThat(answer.getCdiDevicesList())
        .extracting(CDIDevice::getName)
        .containsExactly("nvidia.com/gpu=" + gpus.get(1), "nvidia.com/gpu=" + gpus.get(3));
  }

  /** A driver root holding these {@code /dev} nodes, as the GPU operator's driver container. */
  private static Path driverRoot(Path under, String... nodes) throws IOException {
    Path root = under.resolve("driver");
    for (String node : nodes) {
      Path file = root.resolve(node.substring(1));
      Files.createDirectories(file.getParent());
      Files.createFile(file);
    }
    return root;
  }

  @Test
  void everyStrategyAtOnceWithDriverCapabilitiesAndDeviceSpecs() throws IOException {
    fixture = fixtures.open("h100x8");
    int minor = fixture.node.current().gpus().get(4).minorNumber();
    Path root =
        driverRoot(
            fixture.dir,
            "/dev/nvidiactl",
            "/dev/nvidia-uvm",
            "/dev/nvidia-uvm-tools",
            "/dev/nvidia" + minor);
    DevicePluginConfig config =
        DevicePluginConfig.defaults()
            .withDeviceListStrategies(Set.of(DeviceListStrategy.values()))
            .withDriverCapabilities(Optional.of("compute,utility"))
            .withDeviceSpecs(true, DevicePluginConfig.DEFAULT_MIG_MINORS_FILE)
            .withDriverRoot(root);
    service = fixture.start(config);
    gpus = fixture.node.current().gpus().stream().map(Gpu::uuid).toList();
    PluginClient plugin = fixture.kubelet.plugin("nvidia.com/gpu");

    ContainerAllocateResponse answer = only(plugin, List.of(gpus.get(4)));

    assertThat(answer.getEnvsMap())
        .containsEntry("NVIDIA_VISIBLE_DEVICES", "/var/run/nvidia-container-devices")
        .containsEntry("NVIDIA_DRIVER_CAPABILITIES", "compute,utility");
    assertThat(answer.getMountsCount()).isEqualTo(1);
    assertThat(answer.getAnnotationsCount()).isEqualTo(1);
    assertThat(answer.getCdiDevicesCount()).isEqualTo(1);
    assertThat(answer.getDevicesList())
        .extracting(DeviceSpec::getContainerPath)
        .containsExactly(
            "/dev/nvidiactl", "/dev/nvidia-uvm", "/dev/nvidia-uvm-tools", "/dev/nvidia" + minor);
    assertThat(answer.getDevicesList())
        .allSatisfy(
            spec -> {
              assertThat(spec.getHostPath()).isEqualTo(root + spec.getContainerPath());
              assertThat(spec.getPermissions()).isEqualTo("rw");
            });
  }

  @Test
  void deviceSpecsLeaveOutNodesTheHostHasNotCreated() throws IOException {
    fixture = fixtures.open("h100x8");
    int minor = fixture.node.current().gpus().get(0).minorNumber();
    // No UVM nodes yet: the driver creates them when CUDA first uses the UVM module.
    Path root = driverRoot(fixture.dir, "/dev/nvidiactl", "/dev/nvidia" + minor);
    service =
        fixture.start(
            DevicePluginConfig.defaults()
                .withDeviceSpecs(true, DevicePluginConfig.DEFAULT_MIG_MINORS_FILE)
                .withDriverRoot(root));
    String gpu0 = fixture.node.current().gpus().get(0).uuid();

    ContainerAllocateResponse answer =
        only(fixture.kubelet.plugin("nvidia.com/gpu"), List.of(gpu0));
    assertThat(answer.getDevicesList())
        .extracting(DeviceSpec::getContainerPath, DeviceSpec::getHostPath)
        .containsExactly(
            tuple("/dev/nvidiactl", root + "/dev/nvidiactl"),
            tuple("/dev/nvidia" + minor, root + "/dev/nvidia" + minor));

    driverRoot(fixture.dir, "/dev/nvidia-uvm", "/dev/nvidia-uvm-tools");
    assertThat(only(fixture.kubelet.plugin("nvidia.com/gpu"), List.of(gpu0)).getDevicesList())
        .extracting(DeviceSpec::getContainerPath)
        .containsExactly(
            "/dev/nvidiactl", "/dev/nvidia-uvm", "/dev/nvidia-uvm-tools", "/dev/nvidia" + minor);
  }

  @Test
  void aMigDeviceGetsItsGpuNodeAndItsCapabilityNodesFromTheDriverTable() throws IOException {
    fixture = fixtures.open("a100-mig");
    Gpu gpu0 = fixture.node.current().gpus().get(0);
    MigDevice large =
        gpu0.migDevices().stream()
            .filter(m -> m.profile().equals("3g.40gb"))
            .findFirst()
            .orElseThrow();
    Path minors = fixture.dir.resolve("mig-minors");
    String gpu = "gpu" + gpu0.minorNumber();
    Files.writeString(
        minors,
        "config 1\nmonitor 2\n"
            + gpu
            + "/gi"
            + large.gpuInstanceId()
            + "/access 21\n"
            + gpu
            + "/gi"
            + large.gpuInstanceId()
            + "/ci"
            + large.computeInstanceId()
            + "/access 22\n");
    Path root =
        driverRoot(
            fixture.dir,
            "/dev/nvidiactl",
            "/dev/nvidia-uvm",
            "/dev/nvidia-uvm-tools",
            "/dev/nvidia" + gpu0.minorNumber(),
            "/dev/nvidia-caps/nvidia-cap21",
            "/dev/nvidia-caps/nvidia-cap22");
    fixture.start(
        DevicePluginConfig.defaults()
            .withMigStrategy(MigStrategy.MIXED)
            .withDeviceSpecs(true, minors)
            .withDriverRoot(root));
    PluginClient plugin = fixture.kubelet.plugin("nvidia.com/mig-3g.40gb");

    ContainerAllocateResponse answer = only(plugin, List.of(large.uuid()));

    assertThat(answer.getEnvsMap()).containsEntry("NVIDIA_VISIBLE_DEVICES", large.uuid());
    assertThat(answer.getDevicesList())
        .extracting(DeviceSpec::getContainerPath)
        .containsExactly(
            "/dev/nvidiactl",
            "/dev/nvidia-uvm",
            "/dev/nvidia-uvm-tools",
            "/dev/nvidia" + gpu0.minorNumber(),
            "/dev/nvidia-caps/nvidia-cap21",
            "/dev/nvidia-caps/nvidia-cap22");
  }

  @Test
  void oneAnswerPerContainerRequest() {
    PluginClient plugin = startH100(Set.of(DeviceListStrategy.ENVVAR));

    var answer = plugin.allocate(List.of(gpus.get(0)), List.of(gpus.get(6), gpus.get(1)));

    assertThat(answer.getContainerResponsesList())
        .extracting(response -> response.getEnvsMap().get("NVIDIA_VISIBLE_DEVICES"))
        .containsExactly(gpus.get(0), gpus.get(1) + "," + gpus.get(6));
  }

  @Test
  void anUnknownDeviceIsRefusedByNameAndTheServerKeepsServing() {
    PluginClient plugin = startH100(Set.of(DeviceListStrategy.ENVVAR));

    assertThatThrownBy(() -> plugin.allocate(List.of(gpus.get(0), "GPU-not-here")))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription())
                  .isEqualTo("unknown device GPU-not-here for resource nvidia.com/gpu");
            });
    assertThat(only(plugin, List.of(gpus.get(0))).getEnvsMap())
        .containsKey("NVIDIA_VISIBLE_DEVICES");
  }

  @Test
  void anUnhealthyDeviceIsRefusedByName() {
    PluginClient plugin = startH100(Set.of(DeviceListStrategy.ENVVAR));
    service.onHealth(
        Map.of(gpus.get(2), new HealthState.Unhealthy(HealthReason.XID, "xid=79", SINCE)));

    assertThatThrownBy(() -> plugin.allocate(List.of(gpus.get(2))))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription())
                  .isEqualTo(
                      "device " + gpus.get(2) + " is unhealthy since " + SINCE + ": xid (xid=79)");
            });
  }

  @Test
  void preferredAllocationLeavesOutADeviceThatTurnedUnhealthy() {
    PluginClient plugin = startH100(Set.of(DeviceListStrategy.ENVVAR));
    service.onHealth(
        Map.of(gpus.get(0), new HealthState.Unhealthy(HealthReason.XID, "xid=79", SINCE)));

    assertThat(plugin.preferred(gpus, List.of(), 2).getContainerResponses(0).getDeviceIDsList())
        .containsExactly(gpus.get(1), gpus.get(2));
    assertThatThrownBy(() -> plugin.preferred(gpus, List.of(gpus.get(0)), 2))
        .hasMessageContaining("device " + gpus.get(0) + " is unhealthy");
  }

  @Test
  void preferredAllocationGoesThroughTheAllocatorAndRefusesTheImpossible() {
    PluginClient plugin = startH100(Set.of(DeviceListStrategy.ENVVAR));
    List<String> reversed = new ArrayList<>(gpus);
    Collections.reverse(reversed);

    assertThat(plugin.preferred(reversed, List.of(), 2).getContainerResponses(0).getDeviceIDsList())
        .containsExactly(gpus.get(0), gpus.get(1));
    assertThat(
            plugin
                .preferred(reversed, List.of(gpus.get(5)), 2)
                .getContainerResponses(0)
                .getDeviceIDsList())
        .containsExactly(gpus.get(5), gpus.get(0));
    assertThatThrownBy(() -> plugin.preferred(gpus, List.of(), 9))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    assertThatThrownBy(() -> plugin.preferred(List.of("GPU-not-here"), List.of(), 1))
        .hasMessageContaining("unknown device GPU-not-here");
  }

  @Test
  void preferredAllocationThroughTheTopologyAllocatorAsTheAgentWiresIt() {
    fixture = fixtures.open("a100-mig");
    fixture.start(
        DevicePluginConfig.defaults().withMigStrategy(MigStrategy.MIXED),
        inventory -> TopologyAllocator.build(fixture.node.node, inventory));
    PluginClient gpuPlugin = fixture.kubelet.plugin("nvidia.com/gpu");
    PluginClient smallPlugin = fixture.kubelet.plugin("nvidia.com/mig-1g.10gb");
    List<String> wholeGpus = DevicePluginServiceTest.ids(gpuPlugin.awaitFirstList());
    List<String> small = DevicePluginServiceTest.ids(smallPlugin.awaitFirstList());

    assertThat(
            gpuPlugin
                .preferred(wholeGpus, List.of(), 2)
                .getContainerResponses(0)
                .getDeviceIDsList())
        .containsExactlyInAnyOrderElementsOf(wholeGpus);
    assertThat(
            smallPlugin
                .preferred(small, List.of(small.get(2)), 1)
                .getContainerResponses(0)
                .getDeviceIDsList())
        .containsExactly(small.get(2));
  }

  @Test
  void preStartContainerIsAccepted() {
    PluginClient plugin = startH100(Set.of(DeviceListStrategy.ENVVAR));

    PreStartContainerResponse answer =
        plugin
            .stub()
            .preStartContainer(
                PreStartContainerRequest.newBuilder().addDevicesIds(gpus.get(0)).build());

    assertThat(answer).isEqualTo(PreStartContainerResponse.getDefaultInstance());
  }
}
