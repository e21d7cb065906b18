package io.gpuagent.agent.deviceplugin;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.deviceplugin.PluginClient;
import io.gpuagent.deviceplugin.v1beta1.ListAndWatchResponse;
import io.gpuagent.testing.Await;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Simulated faults reach the kubelet's ListAndWatch stream through the health module's verdict. */
class AgentDeviceHealthTest {
  private AgentWithKubelet fixture;

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void aLostGpuTurnsUnhealthyAndRejoinsHealthyOnceClearedAndProbed() {
    fixture = AgentWithKubelet.start("h100x8", "none");
    PluginClient plugin = fixture.kubelet.plugin("nvidia.com/gpu");
    plugin.awaitList("eight healthy GPUs", list -> healthyCount(list) == 8);
    String uuid = fixture.devices().getJsonArray("devices").getJsonObject(3).getString("uuid");

    HttpResponse<String> injected =
        fixture.send("POST", "/api/v1/sim/faults", "{\"device\":3,\"fault\":\"lost\"}");
    ListAndWatchResponse unhealthy =
        plugin.awaitList(
            "GPU 3 unhealthy", list -> "Unhealthy".equals(PluginClient.healthById(list).get(uuid)));

    assertThat(injected.statusCode()).isEqualTo(201);
    Map<String, String> health = PluginClient.healthById(unhealthy);
    assertThat(health).hasSize(8);
    health.forEach(
        (id, state) ->
            assertThat(state).as(id).isEqualTo(id.equals(uuid) ? "Unhealthy" : "Healthy"));
    // Health may reach the kubelet before the agent's inventory check lists the GPU as lost.
    Await.until(
        "GPU 3 listed as lost", () -> !fixture.devices().getJsonArray("lostDevices").isEmpty());
    JsonObject lost = fixture.devices().getJsonArray("lostDevices").getJsonObject(0);
    assertThat(lost.getString("uuid")).isEqualTo(uuid);
    assertThat(lost.getString("health")).isEqualTo("Unhealthy");
    assertThat(healthyDevicesInTheApi()).isEqualTo(7);

    HttpResponse<String> cleared = fixture.send("DELETE", "/api/v1/sim/faults/" + uuid, "");
    // Answering again is not enough: the GPU must also pass health.recoveryPasses probes.
    plugin.awaitList(
        "all eight healthy again", Duration.ofSeconds(10), list -> healthyCount(list) == 8);

    assertThat(cleared.statusCode()).isEqualTo(200);
    JsonArray probes =
        fixture
            .devices()
            .getJsonArray("devices")
            .getJsonObject(3)
            .getJsonObject("healthDetail")
            .getJsonArray("lastProbes");
    assertThat(
            probes.stream()
                .map(JsonObject.class::cast)
                .filter(p -> "PASSED".equals(p.getString("outcome"))))
        .hasSizeGreaterThanOrEqualTo(3);
    JsonObject gpu = fixture.devices().getJsonArray("devices").getJsonObject(3);
    assertThat(gpu.getString("uuid")).isEqualTo(uuid);
    assertThat(gpu.getString("health")).isEqualTo("Healthy");
    assertThat(healthyDevicesInTheApi()).isEqualTo(8);
  }

  @Test
  void withHealthWatchingOffALostGpuIsStillUnhealthyUntilItAnswers() {
    fixture = AgentWithKubelet.start("h100x8", "none", Map.of("GPU_AGENT_HEALTH_ENABLED", "false"));
    PluginClient plugin = fixture.kubelet.plugin("nvidia.com/gpu");
    plugin.awaitList("eight healthy GPUs", list -> healthyCount(list) == 8);
    String uuid = fixture.devices().getJsonArray("devices").getJsonObject(5).getString("uuid");

    fixture.send("POST", "/api/v1/sim/faults", "{\"device\":5,\"fault\":\"lost\"}");
    plugin.awaitList(
        "GPU 5 unhealthy",
        Duration.ofSeconds(10),
        list -> "Unhealthy".equals(PluginClient.healthById(list).get(uuid)));
    JsonObject lost = fixture.devices().getJsonArray("lostDevices").getJsonObject(0);
    assertThat(lost.getString("healthReason")).isEqualTo("gpu-lost");

    fixture.send("DELETE", "/api/v1/sim/faults/" + uuid, "");
    // no probes run, so the end of the condition is enough
    plugin.awaitList(
        "all eight healthy again", Duration.ofSeconds(10), list -> healthyCount(list) == 8);
  }

  private int healthyDevicesInTheApi() {
    return fixture
        .devicePlugin()
        .getJsonArray("resources")
        .getJsonObject(0)
        .getInteger("healthyDevices");
  }

  private static long healthyCount(ListAndWatchResponse list) {
    return list.getDevicesList().stream().filter(d -> d.getHealth().equals("Healthy")).count();
  }
}
