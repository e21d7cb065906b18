package io.gpuagent.deviceplugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpuagent.deviceplugin.DevicePluginStatus.DeviceStatus;
import io.gpuagent.deviceplugin.DevicePluginStatus.ResourceStatus;
import io.gpuagent.deviceplugin.v1beta1.Device;
import io.gpuagent.deviceplugin.v1beta1.ListAndWatchResponse;
import io.gpuagent.deviceplugin.v1beta1.RegisterRequest;
import io.gpuagent.nvml.health.HealthReason;
import io.gpuagent.nvml.health.HealthState;
import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.nvml.inventory.MigDevice;
import io.gpuagent.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DevicePluginServiceTest {
  private static final Instant SINCE = Instant.parse("2026-02-03T04:05:06Z");

  @RegisterExtension final PluginFixtures fixtures = new PluginFixtures();

  private PluginFixture fixture;

  @Test
  void registersNvidiaGpuWithEveryH100AndItsNumaNode() {
    fixture = fixtures.open("h100x8");
    DevicePluginService service = fixture.start(MigStrategy.NONE);
    Inventory inventory = fixture.node.current();

    RegisterRequest request = fixture.kubelet.awaitRegistration("nvidia.com/gpu").request();
    assertThat(request.getVersion()).isEqualTo("v1beta1");
    assertThat(request.getEndpoint()).isEqualTo("gpu-agent-nvidia.com-gpu.sock");
    assertThat(request.getOptions().getGetPreferredAllocationAvailable()).isTrue();
    assertThat(request.getOptions().getPreStartRequired()).isFalse();
    assertThat(fixture.dir.resolve(request.getEndpoint())).exists();

    PluginClient plugin = fixture.kubelet.plugin("nvidia.com/gpu");
    ListAndWatchResponse list = plugin.awaitFirstList();
    assertThat(list.getDevicesList())
        .extracting(Device::getID)
        .containsExactlyElementsOf(inventory.gpus().stream().map(Gpu::uuid).toList());
    assertThat(list.getDevicesList()).extracting(Device::getHealth).containsOnly("Healthy");
    assertThat(list.getDevicesList())
        .extracting(device -> device.getTopology().getNodes(0).getID())
        .containsExactly(0L, 0L, 0L, 0L, 1L, 1L, 1L, 1L);
    assertThat(plugin.options()).isEqualTo(request.getOptions());

    Await.until("registered in status", () -> service.status().resources().get(0).registered());
    ResourceStatus status = service.status().resources().get(0);
    assertThat(status.resourceName()).isEqualTo("nvidia.com/gpu");
    assertThat(status.socket()).isEqualTo(fixture.dir.resolve("gpu-agent-nvidia.com-gpu.sock"));
    assertThat(status.registeredAt()).isPresent();
    assertThat(status.lastRegistrationError()).isEmpty();
    assertThat(status.devices()).hasSize(8).allMatch(device -> device.health().isHealthy());
    assertThat(service.problems()).isEmpty();
  }

  @Test
  void registersPreStartRequiredAsConfigured() {
    fixture = fixtures.open("h100x8");
    fixture.start(DevicePluginConfig.defaults().withPreStartRequired(true));

    RegisterRequest request = fixture.kubelet.awaitRegistration("nvidia.com/gpu").request();

    assertThat(request.getOptions().getPreStartRequired()).isTrue();
    assertThat(fixture.kubelet.plugin("nvidia.com/gpu").options().getPreStartRequired()).isTrue();
  }

  @Test
  void mixedRegistersWholeGpusAndOneResourcePerMigProfileWithMigUuids() {
    fixture = fixtures.open("a100-mig");
    fixture.start(MigStrategy.MIXED);
    List<Gpu> gpus = fixture.node.current().gpus();

    assertThat(ids(fixture.kubelet.plugin("nvidia.com/gpu").awaitFirstList()))
        .containsExactly(gpus.get(2).uuid(), gpus.get(3).uuid());
    for (String profile : List.of("1g.10gb", "2g.20gb", "3g.40gb", "4g.40gb")) {
      String resource = "nvidia.com/mig-" + profile;
      RegisterRequest request = fixture.kubelet.awaitRegistration(resource).request();
      assertThat(request.getEndpoint()).isEqualTo("gpu-agent-nvidia.com-mig-" + profile + ".sock");
      List<String> expected =
          gpus.stream()
              .flatMap(gpu -> gpu.migDevices().stream())
              .filter(mig -> mig.profile().equals(profile))
              .map(MigDevice::uuid)
              .toList();
      assertThat(ids(fixture.kubelet.plugin(resource).awaitFirstList()))
          .containsExactlyElementsOf(expected)
          .allSatisfy(id -> assertThat(id).startsWith("MIG-"));
    }
    assertThat(fixture.kubelet.registrations()).hasSize(5);
  }

  @Test
  void singleOnANodeWithMixedProfilesAdvertisesNothingAndSaysWhy() {
    fixture = fixtures.open("a100-mig");
    DevicePluginService service = fixture.start(MigStrategy.SINGLE);

    assertThat(service.problems()).singleElement().asString().contains("mig strategy single");
    assertThat(service.status().resources()).isEmpty();
    assertThat(service.status().problems()).isEqualTo(service.problems());
    assertThat(fixture.kubelet.registrations()).isEmpty();
    assertThat(fixture.dir.resolve("gpu-agent-nvidia.com-gpu.sock")).doesNotExist();
  }

  @Test
  void aHealthChangeReachesEveryListAndWatchStream() {
    fixture = fixtures.open("h100x8");
    DevicePluginService service = fixture.start(MigStrategy.NONE);
    PluginClient plugin = fixture.kubelet.plugin("nvidia.com/gpu");
    plugin.awaitFirstList();
    String gpu3 = fixture.node.current().gpus().get(3).uuid();

    HealthState xid79 = new HealthState.Unhealthy(HealthReason.XID, "xid=79", SINCE);
    service.onHealth(Map.of(gpu3, xid79));

    ListAndWatchResponse update =
        plugin.awaitList(
            "GPU 3 unhealthy", list -> "Unhealthy".equals(PluginClient.healthById(list).get(gpu3)));
    assertThat(PluginClient.healthById(update).values()).filteredOn("Unhealthy"::equals).hasSize(1);
    assertThat(update.getDevicesCount()).isEqualTo(8);
    DeviceStatus status = device(service, gpu3);
    assertThat(status.health()).isEqualTo(xid79);
    assertThat(status.kubeletHealth()).isEqualTo("Unhealthy");

    service.onHealth(Map.of(gpu3, new HealthState.Healthy(SINCE)));

    plugin.awaitList(
        "GPU 3 healthy again", list -> "Healthy".equals(PluginClient.healthById(list).get(gpu3)));
    assertThat(device(service, gpu3).health().isHealthy()).isTrue();
  }

  @Test
  void eachDeviceTakesTheVerdictForItsOwnId() {
    fixture = fixtures.open("a100-mig");
    DevicePluginService service = fixture.start(MigStrategy.MIXED);
    Gpu gpu0 = fixture.node.current().gpus().get(0);
    Gpu gpu1 = fixture.node.current().gpus().get(1);
    PluginClient small = fixture.kubelet.plugin("nvidia.com/mig-1g.10gb");
    small.awaitFirstList();

    // the health module publishes a GPU-wide cause on the GPU and each of its MIG devices
    HealthState xid48 = new HealthState.Unhealthy(HealthReason.XID, "xid=48", SINCE);
    Map<String, HealthState> verdicts = new HashMap<>();
    verdicts.put(gpu0.uuid(), xid48);
    gpu0.migDevices().forEach(mig -> verdicts.put(mig.uuid(), xid48));
    service.onHealth(verdicts);

    Map<String, String> health =
        PluginClient.healthById(
            small.awaitList(
                "GPU 0's MIG devices unhealthy",
                list -> PluginClient.healthById(list).containsValue("Unhealthy")));
    for (MigDevice mig : gpu0.migDevices()) {
      assertThat(device(service, mig.uuid()).health()).isEqualTo(xid48);
      if (mig.profile().equals("1g.10gb")) {
        assertThat(health.get(mig.uuid())).isEqualTo("Unhealthy");
      }
    }
    String gpu1Small =
        gpu1.migDevices().stream()
            .filter(m -> m.profile().equals("1g.10gb"))
            .findFirst()
            .orElseThrow()
            .uuid();
    assertThat(health.get(gpu1Small)).isEqualTo("Healthy");

    verdicts.put(gpu1Small, new HealthState.Unhealthy(HealthReason.XID, "xid=94", SINCE));
    service.onHealth(verdicts);

    small.awaitList(
        "GPU 1's 1g.10gb unhealthy",
        list -> "Unhealthy".equals(PluginClient.healthById(list).get(gpu1Small)));
    assertThat(device(service, gpu1.migDevices().get(0).uuid()).health().isHealthy()).isTrue();
  }

  @Test
  void aVerdictForADeviceNotAdvertisedChangesNothing() {
    fixture = fixtures.open("h100x8");
    DevicePluginService service = fixture.start(MigStrategy.NONE);

    service.onHealth(
        Map.of("GPU-nope", new HealthState.Unhealthy(HealthReason.GPU_LOST, "gone", SINCE)));

    assertThat(service.status().devices()).allMatch(device -> device.health().isHealthy());
  }

  @Test
  void startRemovesStaleSocketsOfAnEarlierRunOnly() throws IOException {
    fixture = fixtures.open("h100x8");
    Files.createFile(fixture.dir.resolve("gpu-agent-nvidia.com-mig-1g.10gb.sock"));
    Files.createFile(fixture.dir.resolve("other-vendor.sock"));

    fixture.start(MigStrategy.NONE);

    assertThat(fixture.dir.resolve("gpu-agent-nvidia.com-mig-1g.10gb.sock")).doesNotExist();
    assertThat(fixture.dir.resolve("other-vendor.sock")).exists();
    assertThat(fixture.dir.resolve("gpu-agent-nvidia.com-gpu.sock")).exists();
  }

  @Test
  void closeEndsStreamsAndRemovesOurSockets() {
    fixture = fixtures.open("a100-mig");
    DevicePluginService service = fixture.start(MigStrategy.MIXED);
    PluginClient plugin = fixture.kubelet.plugin("nvidia.com/mig-3g.40gb");
    plugin.awaitFirstList();

    service.close();

    Await.until("stream ended", plugin::streamEnded);
    assertThat(fixture.dir.resolve("kubelet.sock")).exists();
    try (var files = Files.list(fixture.dir)) {
      assertThat(files.map(path -> path.getFileName().toString()))
          .noneMatch(name -> name.startsWith("gpu-agent-"));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    assertThatThrownBy(() -> service.rebuild(fixture.node.current()))
        .isInstanceOf(IllegalStateException.class);
  }

  static List<String> ids(ListAndWatchResponse list) {
    return list.getDevicesList().stream().map(Device::getID).toList();
  }

  static DeviceStatus device(DevicePluginService service, String id) {
    return service.status().devices().stream()
        .filter(device -> device.id().equals(id))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no device " + id + " in status"));
  }
}
