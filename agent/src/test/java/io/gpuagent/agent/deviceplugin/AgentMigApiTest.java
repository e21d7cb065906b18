package io.gpuagent.agent.deviceplugin;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.deviceplugin.PluginClient;
import io.gpuagent.deviceplugin.v1beta1.Device;
import io.gpuagent.deviceplugin.v1beta1.ListAndWatchResponse;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.podresources.FakePodResourcesServer;
import io.gpuagent.testing.Await;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code PUT /api/v1/mig} under a kubelet: the agent starts on a100-mig with {@code all-disabled}
 * from its config, a pod holds GPU 3, then {@code all-1g.10gb} is put. GPU 3 is refused and keeps
 * its layout; the others change and the kubelet's lists follow within 5 s of the answer.
 */
class AgentMigApiTest {
  private static final String GPU = "nvidia.com/gpu";
  private static final String MIG_1G = "nvidia.com/mig-1g.10gb";

  private AgentWithKubelet fixture;
  private FakePodResourcesServer podResources;

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
    if (podResources != null) {
      podResources.close();
    }
  }

  @Test
  void putAll1g10gbChangesTheKubeletsListsAndRefusesTheGpuAPodHolds() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "mig");
    Path socket = dir.resolve("pr.sock");
    Path file = dir.resolve("config.yaml");
    try (InputStream in =
        getClass()
            .getResourceAsStream(
                "/io/gpuagent/agent/cli/gpu-operator-default-mig-parted-config.yaml")) {
      Files.copy(in, file);
    }
    podResources = FakePodResourcesServer.start(socket);
    fixture =
        AgentWithKubelet.start(
            "a100-mig",
            "mixed",
            Map.of(
                "GPU_AGENT_INVENTORY_INTERVAL", "1h",
                "GPU_AGENT_POD_RESOURCES_ENABLED", "true",
                "GPU_AGENT_POD_RESOURCES_SOCKET", socket.toString(),
                "GPU_AGENT_POD_RESOURCES_INTERVAL", "100ms",
                "GPU_AGENT_MIG_CONFIG_FILE", file.toString(),
                "GPU_AGENT_MIG_SELECTED", "all-disabled",
                "GPU_AGENT_MIG_ALLOW_RESET", "true",
                "GPU_AGENT_MIG_DRAIN_WAIT", "300ms"));
    Await.until(
        "all-disabled applied at start-up", () -> "success".equals(mig().getString("state")));
    PluginClient gpus = fixture.kubelet.plugin(GPU);
    gpus.awaitList("four whole GPUs", list -> ids(list).size() == 4);
    String gpu3 = fixture.node.deviceByIndex(3).uuid();
    podResources.assign("ml", "trainer-0", "main", GPU, gpu3);
    Await.until(
        "the pod seen on GPU 3",
        () ->
            !fixture
                .devices()
                .getJsonArray("devices")
                .getJsonObject(3)
                .getJsonArray("allocatedTo")
                .isEmpty());

    HttpResponse<String> response =
        fixture.send("PUT", "/api/v1/mig", "{\"selected\": \"all-1g.10gb\"}");
    long answered = System.nanoTime();

    assertThat(response.statusCode()).as(response.body()).isEqualTo(409);
    JsonObject report = new JsonObject(response.body());
    JsonArray outcomes = report.getJsonArray("gpus");
    assertThat(outcomes.getJsonObject(3).getString("outcome")).isEqualTo("refused");
    assertThat(outcomes.getJsonObject(3).getString("reason"))
        .contains("in use by pod ml/trainer-0");
    assertThat(report.getString("error")).startsWith("GPU 3 refused: in use by pod ml/trainer-0");
    for (int i = 0; i < 3; i++) {
      assertThat(outcomes.getJsonObject(i).getString("outcome")).isEqualTo("applied");
    }
    assertThat(fixture.node.deviceByIndex(3).migMode().orElseThrow().current()).isFalse();

    List<String> created =
        List.of(0, 1, 2).stream()
            .flatMap(i -> fixture.node.deviceByIndex(i).migDevices().stream())
            .map(NvmlDevice::uuid)
            .toList();
    assertThat(created).hasSize(21);
    PluginClient small = fixture.kubelet.plugin(MIG_1G);
    small.awaitList(
        "21 × 1g.10gb",
        Duration.ofSeconds(5),
        list -> ids(list).containsAll(created) && ids(list).size() == 21);
    gpus.awaitList(
        "only GPU 3 left whole", Duration.ofSeconds(5), list -> ids(list).equals(List.of(gpu3)));
    Duration took = Duration.ofNanos(System.nanoTime() - answered);
    assertThat(took).isLessThan(Duration.ofSeconds(5));

    JsonObject status = mig();
    assertThat(status.getString("selected")).isEqualTo("all-1g.10gb");
    assertThat(status.getString("state")).isEqualTo("failed");
    assertThat(status.getString("lastError")).contains("GPU 3 refused");
    assertThat(status.getJsonArray("gpus").getJsonObject(0).getJsonArray("instances")).hasSize(7);
    // the exporter renders its latest sample: wait for one taken after the apply
    Await.until(
        "the failed state in /metrics",
        () ->
            fixture
                .metricLine("gpu_agent_mig_config_state{config=\"all-1g.10gb\",state=\"failed\"}")
                .endsWith(" 1.0"));
    assertThat(fixture.send("PUT", "/api/v1/mig", "{\"selected\": \"no-such\"}").statusCode())
        .isEqualTo(400);
  }

  @Test
  void anInjectedCreationFailureRollsThatGpuBackAndReapplyingTouchesNothing() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "mig");
    Path file = dir.resolve("config.yaml");
    try (InputStream in =
        getClass()
            .getResourceAsStream(
                "/io/gpuagent/agent/cli/gpu-operator-default-mig-parted-config.yaml")) {
      Files.copy(in, file);
    }
    fixture =
        AgentWithKubelet.start(
            "a100-mig",
            "mixed",
            Map.of(
                "GPU_AGENT_MIG_CONFIG_FILE", file.toString(),
                "GPU_AGENT_MIG_ALLOW_RESET", "true",
                "GPU_AGENT_MIG_DRAIN_WAIT", "0s"));
    JsonObject before = mig().getJsonArray("gpus").getJsonObject(1);
    HttpResponse<String> injected =
        fixture.send(
            "POST",
            "/api/v1/sim/faults",
            "{\"device\": 1, \"fault\": \"mig-create-failure\", \"after\": 3}");
    assertThat(injected.statusCode()).as(injected.body()).isEqualTo(201);

    HttpResponse<String> failed =
        fixture.send("PUT", "/api/v1/mig", "{\"selected\": \"all-1g.10gb\"}");

    assertThat(failed.statusCode()).as(failed.body()).isEqualTo(409);
    JsonObject gpu1 = new JsonObject(failed.body()).getJsonArray("gpus").getJsonObject(1);
    assertThat(gpu1.getString("outcome")).isEqualTo("failed");
    assertThat(gpu1.getString("reason")).endsWith("rolled back to the previous layout");
    assertThat(gpu1.getJsonArray("instances")).isEqualTo(before.getJsonArray("instances"));

    HttpResponse<String> second =
        fixture.send("PUT", "/api/v1/mig", "{\"selected\": \"all-1g.10gb\"}");
    assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
    HttpResponse<String> third =
        fixture.send("PUT", "/api/v1/mig", "{\"selected\": \"all-1g.10gb\"}");
    assertThat(third.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(third.body()).getJsonArray("gpus").stream())
        .allSatisfy(
            gpu -> assertThat(((JsonObject) gpu).getString("outcome")).isEqualTo("unchanged"));
  }

  private JsonObject mig() {
    return new JsonObject(fixture.get("/api/v1/mig").body());
  }

  private static List<String> ids(ListAndWatchResponse list) {
    return list.getDevicesList().stream().map(Device::getID).toList();
  }
}
