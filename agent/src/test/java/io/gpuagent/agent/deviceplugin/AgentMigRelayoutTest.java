package io.gpuagent.agent.deviceplugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpuagent.deviceplugin.PluginClient;
import io.gpuagent.deviceplugin.v1beta1.Device;
import io.gpuagent.deviceplugin.v1beta1.ListAndWatchResponse;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.testing.Await;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * MIG re-laid out behind the agent's back, as an operator running nvidia-smi mig would: the agent
 * notices by the MIG config-change event (the periodic check is off) and the kubelet's lists follow
 * without a restart.
 */
class AgentMigRelayoutTest {
  private static final String GPU = "nvidia.com/gpu";
  private static final String MIG_3G = "nvidia.com/mig-3g.40gb";

  private AgentWithKubelet fixture;

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void newMigDevicesReachTheKubeletAndAGpuLeavingMigRejoinsNvidiaComGpu() {
    fixture = start();
    PluginClient large = fixture.kubelet.plugin(MIG_3G);
    PluginClient gpus = fixture.kubelet.plugin(GPU);
    assertThat(ids(large.awaitFirstList())).hasSize(1);
    String gpu2 = uuidOf(2);

    assertThat(put(2, "{\"migEnabled\": true, \"instances\": [\"3g.40gb\", \"3g.40gb\"]}"))
        .isEqualTo(200);

    List<String> created = migUuidsOf(2);
    assertThat(created).hasSize(2);
    ListAndWatchResponse withNew =
        large.awaitList("GPU 2's two new 3g.40gb", list -> ids(list).containsAll(created));
    assertThat(ids(withNew)).hasSize(3);
    gpus.awaitList("GPU 2 gone from nvidia.com/gpu", list -> !ids(list).contains(gpu2));
    assertThatThrownBy(() -> gpus.allocate(List.of(gpu2)))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).contains(gpu2);
            });

    String gpu0 = uuidOf(0);
    List<String> gpu0Migs = migUuidsOf(0);
    assertThat(put(0, "{\"migEnabled\": false}")).isEqualTo(200);

    gpus.awaitList("GPU 0 advertised whole", list -> ids(list).contains(gpu0));
    ListAndWatchResponse largeNow =
        large.awaitList(
            "GPU 0's 3g.40gb gone", list -> Set.copyOf(ids(list)).equals(Set.copyOf(created)));
    assertThat(ids(largeNow)).doesNotContainAnyElementsOf(gpu0Migs);
    for (String resource : List.of("nvidia.com/mig-1g.10gb", "nvidia.com/mig-2g.20gb")) {
      fixture
          .kubelet
          .plugin(resource)
          .awaitList(
              "GPU 0's devices gone from " + resource,
              list -> ids(list).stream().noneMatch(gpu0Migs::contains));
    }
  }

  @Test
  void aProfileThatVanishesLeavesTheKubeletAndANewOneIsRegistered() {
    fixture = start();
    PluginClient fourG = fixture.kubelet.plugin("nvidia.com/mig-4g.40gb");
    assertThat(ids(fourG.awaitFirstList())).hasSize(1);

    // GPU 1 held the node's only 4g.40gb.
    assertThat(put(1, "{\"migEnabled\": true, \"instances\": [\"7g.80gb\"]}")).isEqualTo(200);

    PluginClient sevenG = fixture.kubelet.plugin("nvidia.com/mig-7g.80gb");
    assertThat(ids(sevenG.awaitFirstList())).containsExactlyElementsOf(migUuidsOf(1));
    fourG.awaitList("the 4g.40gb list emptied", list -> list.getDevicesCount() == 0);
    Await.until("the 4g.40gb stream ended", fourG::streamEnded);
    Await.until(
        "4g.40gb gone from the API",
        () ->
            fixture.devicePlugin().getJsonArray("resources").stream()
                .map(r -> ((JsonObject) r).getString("resource"))
                .noneMatch("nvidia.com/mig-4g.40gb"::equals));
  }

  private static AgentWithKubelet start() {
    // No periodic check: the MIG config-change event alone must bring the change.
    return AgentWithKubelet.start(
        "a100-mig", "mixed", Map.of("GPU_AGENT_INVENTORY_INTERVAL", "1h"));
  }

  private int put(int gpu, String body) {
    HttpResponse<String> response = fixture.send("PUT", "/api/v1/sim/gpus/" + gpu + "/mig", body);
    assertThat(response.body()).doesNotContain("\"error\"");
    return response.statusCode();
  }

  private String uuidOf(int index) {
    return fixture.node.deviceByIndex(index).uuid();
  }

  private List<String> migUuidsOf(int index) {
    return fixture.node.deviceByIndex(index).migDevices().stream().map(NvmlDevice::uuid).toList();
  }

  private static List<String> ids(ListAndWatchResponse list) {
    return list.getDevicesList().stream().map(Device::getID).toList();
  }
}
