package io.gpuagent.agent.deviceplugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpuagent.deviceplugin.FakeKubelet.Registration;
import io.gpuagent.deviceplugin.PluginClient;
import io.gpuagent.deviceplugin.v1beta1.AllocateResponse;
import io.gpuagent.deviceplugin.v1beta1.Device;
import io.gpuagent.deviceplugin.v1beta1.ListAndWatchResponse;
import io.gpuagent.deviceplugin.v1beta1.NUMANode;
import io.gpuagent.testing.Await;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The running agent's device plugin seen by a fake kubelet, through the HTTP API and /metrics. */
class AgentDevicePluginTest {
  private static final String GPU = "nvidia.com/gpu";

  private AgentWithKubelet fixture;

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void registersEightHealthyGpusWithTheirNumaNodesAndReportsItInTheApiAndMetrics() {
    fixture = AgentWithKubelet.start("h100x8", "none");

    Registration registration = fixture.kubelet.awaitRegistration(GPU);
    ListAndWatchResponse list = fixture.kubelet.plugin(GPU).awaitFirstList();

    assertThat(registration.request().getVersion()).isEqualTo("v1beta1");
    Map<String, Integer> numaByUuid = new HashMap<>();
    JsonArray gpus = fixture.devices().getJsonArray("devices");
    for (int i = 0; i < gpus.size(); i++) {
      numaByUuid.put(
          gpus.getJsonObject(i).getString("uuid"), gpus.getJsonObject(i).getInteger("numaNode"));
    }
    assertThat(list.getDevicesList())
        .extracting(Device::getID)
        .containsExactlyInAnyOrderElementsOf(numaByUuid.keySet());
    assertThat(list.getDevicesList())
        .hasSize(8)
        .allSatisfy(
            device -> {
              assertThat(device.getHealth()).isEqualTo("Healthy");
              assertThat(device.getTopology().getNodesList())
                  .extracting(NUMANode::getID)
                  .containsExactly(numaByUuid.get(device.getID()).longValue());
            });
    assertThat(numaByUuid.values()).contains(0, 1);
    assertThat(gpus)
        .hasSize(8)
        .allSatisfy(
            gpu -> {
              assertThat(((JsonObject) gpu).getString("resource")).isEqualTo(GPU);
              assertThat(((JsonObject) gpu).getString("health")).isEqualTo("Healthy");
            });
    Await.until(
        "devicePlugin.resources[0].registered in /api/v1/devices",
        () ->
            fixture
                .devicePlugin()
                .getJsonArray("resources")
                .getJsonObject(0)
                .getBoolean("registered"));
    JsonObject resource = fixture.devicePlugin().getJsonArray("resources").getJsonObject(0);
    assertThat(resource.getString("resource")).isEqualTo(GPU);
    assertThat(resource.getInteger("healthyDevices")).isEqualTo(8);
    assertThat(fixture.devicePlugin().getJsonArray("problems")).isEmpty();
    Await.until(
        "the registration in /metrics",
        () ->
            fixture
                .metricLine("gpu_agent_device_plugin_registered{resource=\"nvidia.com/gpu\"}")
                .endsWith(" 1.0"));
  }

  @Test
  void mixedStrategyRegistersWholeGpusAndOneResourcePerMigProfile() {
    fixture = AgentWithKubelet.start("a100-mig", "mixed");
    Set<String> wholeGpus = new HashSet<>();
    Map<String, Set<String>> migByResource = new HashMap<>();
    JsonArray gpus = fixture.devices().getJsonArray("devices");
    for (int i = 0; i < gpus.size(); i++) {
      JsonObject gpu = gpus.getJsonObject(i);
      if (!gpu.getBoolean("migEnabled")) {
        wholeGpus.add(gpu.getString("uuid"));
      }
      JsonArray migs = gpu.getJsonArray("migDevices");
      for (int m = 0; m < migs.size(); m++) {
        JsonObject mig = migs.getJsonObject(m);
        String resource = "nvidia.com/mig-" + mig.getString("profile");
        assertThat(mig.getString("resource")).isEqualTo(resource);
        migByResource.computeIfAbsent(resource, name -> new HashSet<>()).add(mig.getString("uuid"));
      }
    }
    assertThat(wholeGpus).hasSize(2);
    assertThat(migByResource).hasSizeGreaterThan(1);

    assertThat(idsOf(fixture.kubelet.plugin(GPU).awaitFirstList())).isEqualTo(wholeGpus);
    migByResource.forEach(
        (resource, ids) ->
            assertThat(idsOf(fixture.kubelet.plugin(resource).awaitFirstList()))
                .as(resource)
                .isEqualTo(ids));
    Set<String> expected = new HashSet<>(migByResource.keySet());
    expected.add(GPU);
    assertThat(fixture.kubelet.registrations())
        .extracting(r -> r.request().getResourceName())
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void singleStrategyOnAMixedNodeRegistersNothingAndReportsTheProblem() throws IOException {
    fixture = AgentWithKubelet.start("a100-mig", "single");

    JsonObject plugin = fixture.devicePlugin();

    assertThat(plugin.getJsonArray("resources")).isEmpty();
    assertThat(plugin.getJsonArray("problems")).hasSize(1);
    assertThat(plugin.getJsonArray("problems").getString(0))
        .contains("single")
        .doesNotContain("\n");
    Await.until(
        "the problem in /metrics",
        () -> fixture.metricLine("gpu_agent_device_plugin_problems ").endsWith(" 1.0"));
    // start() returned with no resource planned: there is no server that could ever register.
    assertThat(fixture.kubelet.registrations()).isEmpty();
    try (Stream<Path> files = Files.list(fixture.dir)) {
      // the kubelet's socket and our directory lock, no socket of ours
      assertThat(files.map(file -> file.getFileName().toString()))
          .containsExactlyInAnyOrder("kubelet.sock", "gpu-agent.lock");
    }
    assertThat(fixture.metricLine("gpu_agent_device_plugin_registered{")).isEmpty();
  }

  @Test
  void allocateOfAnUnknownIdIsRefusedByNameAndTheAgentKeepsServing() {
    fixture = AgentWithKubelet.start("h100x8", "none");
    PluginClient plugin = fixture.kubelet.plugin(GPU);
    String known = plugin.awaitFirstList().getDevices(0).getID();
    String unknown = "GPU-00000000-0000-0000-0000-000000000000";

    assertThatThrownBy(() -> plugin.allocate(List.of(unknown)))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).contains(unknown).doesNotContain("\n");
            });

    AllocateResponse allocated = plugin.allocate(List.of(known));
    assertThat(allocated.getContainerResponsesCount()).isEqualTo(1);
    assertThat(allocated.getContainerResponses(0).getEnvsMap())
        .containsEntry("NVIDIA_VISIBLE_DEVICES", known);
    assertThat(fixture.get("/healthz").statusCode()).isEqualTo(200);
    assertThat(fixture.get("/readyz").statusCode()).isEqualTo(200);
  }

  private static Set<String> idsOf(ListAndWatchResponse list) {
    return list.getDevicesList().stream().map(Device::getID).collect(Collectors.toSet());
  }
}
