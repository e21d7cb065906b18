package io.gpuagent.agent.deviceplugin;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.deviceplugin.PluginClient;
import io.gpuagent.deviceplugin.v1beta1.Device;
import io.gpuagent.podresources.FakePodResourcesServer;
import io.gpuagent.testing.Await;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The agent on h100x8 with the issue's sharing config read from a file: what a kubelet sees, and
 * what {@code /api/v1/devices} says about each shared GPU once a pod holds slices.
 */
class AgentSharedGpusTest {
  static final String CONFIG =
      """
      version: 1
      sharing:
        gpus:
          - select: {indexes: [0, 1]}
            mode: memory-slices
            sliceSize: 1GiB
            reserve: 2GiB
            enforcement: observe
          - select: {indexes: [2]}
            mode: replicas
            replicas: 4
      """;

  @Test
  void theIssuesConfigGivesTwoTimes77SlicesAndTheDeviceApiCountsFreeSlicesAndHolders()
      throws Exception {
    Path config = Files.createTempFile("sharing", ".yaml");
    Path socket = Files.createTempDirectory(Path.of("/tmp"), "pr").resolve("kubelet.sock");
    Files.writeString(config, CONFIG);
    try (FakePodResourcesServer pods = FakePodResourcesServer.start(socket);
        AgentWithKubelet node =
            AgentWithKubelet.start(
                "h100x8",
                "none",
                Map.of(
                    "GPU_AGENT_CONFIG",
                    config.toString(),
                    "GPU_AGENT_POD_RESOURCES_ENABLED",
                    "true",
                    "GPU_AGENT_POD_RESOURCES_SOCKET",
                    socket.toString(),
                    "GPU_AGENT_POD_RESOURCES_INTERVAL",
                    "100ms"))) {
      PluginClient memory = node.kubelet.plugin("nvidia.com/gpu-memory");
      PluginClient gpu = node.kubelet.plugin("nvidia.com/gpu");
      List<String> uuids =
          node.devices().getJsonArray("devices").stream()
              .map(d -> ((JsonObject) d).getString("uuid"))
              .toList();

      List<String> sliceIds =
          memory.awaitFirstList().getDevicesList().stream().map(Device::getID).toList();
      List<String> gpuIds =
          gpu.awaitFirstList().getDevicesList().stream().map(Device::getID).toList();
      assertThat(sliceIds).hasSize(154).doesNotHaveDuplicates();
      assertThat(gpuIds).hasSize(9).doesNotContainAnyElementsOf(sliceIds);
      assertThat(gpuIds)
          .contains(uuids.get(2) + "::3")
          .doesNotContain(uuids.get(0), uuids.get(1), uuids.get(2));

      List<String> ten = IntStream.range(0, 10).mapToObj(k -> uuids.get(0) + "::" + k).toList();
      memory.allocate(ten);
      pods.assign("ml", "llm-0", "main", "nvidia.com/gpu-memory", ten.toArray(String[]::new));

      JsonObject gpu0 =
          Await.value(
              "the holder of GPU 0's slices",
              () -> {
                JsonObject first = shared(node, uuids.get(0));
                return first.getJsonArray("holders").isEmpty() ? null : first;
              });
      assertThat(node.devices().getJsonArray("shared")).hasSize(3);
      assertThat(gpu0.getString("uuid")).isEqualTo(uuids.get(0));
      assertThat(gpu0.getString("mode")).isEqualTo("memory-slices");
      assertThat(gpu0.getInteger("shares")).isEqualTo(77);
      assertThat(gpu0.getInteger("free")).isEqualTo(67);
      JsonObject holder = gpu0.getJsonArray("holders").getJsonObject(0);
      assertThat(holder.getString("pod")).isEqualTo("llm-0");
      assertThat(holder.getInteger("shares")).isEqualTo(10);
      assertThat(holder.getLong("quotaBytes")).isEqualTo(10L << 30);
      JsonObject device0 = node.devices().getJsonArray("devices").getJsonObject(0);
      assertThat(device0.getString("resource")).isEqualTo("nvidia.com/gpu-memory");
    } finally {
      Files.deleteIfExists(config);
    }
  }

  private static JsonObject shared(AgentWithKubelet node, String uuid) {
    JsonArray shared = node.devices().getJsonArray("shared");
    return shared.stream()
        .map(JsonObject.class::cast)
        .filter(device -> device.getString("uuid").equals(uuid))
        .findFirst()
        .orElseThrow();
  }
}
