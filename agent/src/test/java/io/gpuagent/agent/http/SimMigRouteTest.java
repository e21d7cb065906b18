package io.gpuagent.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.agent.Agent;
import io.gpuagent.agent.TestConfigs;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.inventory.InventoryFingerprint;
import io.gpuagent.nvml.sim.SimFault;
import io.gpuagent.nvml.sim.SimOptions;
import io.gpuagent.nvml.sim.SimulatedNode;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code PUT /api/v1/sim/gpus/{device}/mig} over a real port: it changes the simulated hardware
 * through the simulator's MIG rules, and a refused request changes nothing.
 */
class SimMigRouteTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private SimulatedNode node;
  private Agent agent;

  private void start(boolean simRoutes) {
    node = SimulatedNode.load("a100-mig", new SimOptions("test-node", 1, Clock.systemUTC()));
    agent =
        Agent.start(
            TestConfigs.simulated("a100-mig", Map.of("GPU_AGENT_INVENTORY_INTERVAL", "1h")),
            node,
            simRoutes ? Optional.of(node) : Optional.empty());
  }

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
  }

  @Test
  void putLaysOutTheGpuByIndexOrUuidAndAnswersTheLayout() {
    start(true);
    String gpu2 = node.deviceByIndex(2).uuid();

    HttpResponse<String> byIndex =
        put("2", "{\"migEnabled\": true, \"instances\": [\"3g.40gb\", \"3g.40gb\"]}");
    HttpResponse<String> byUuid = put(node.deviceByIndex(0).uuid(), "{\"migEnabled\": false}");

    assertThat(byIndex.statusCode()).isEqualTo(200);
    JsonObject body = new JsonObject(byIndex.body());
    assertThat(body.getString("gpu")).isEqualTo(gpu2);
    assertThat(body.getBoolean("migEnabled")).isTrue();
    assertThat(body.getJsonArray("instances").encode()).isEqualTo("[\"3g.40gb\",\"3g.40gb\"]");
    assertThat(node.deviceByIndex(2).migDevices())
        .extracting(NvmlDevice::name)
        .allSatisfy(name -> assertThat(name).endsWith("MIG 3g.40gb"))
        .hasSize(2);
    assertThat(byUuid.statusCode()).isEqualTo(200);
    assertThat(node.deviceByIndex(0).migMode().orElseThrow().current()).isFalse();
  }

  @Test
  void badRequestsGetAOneLine400AndChangeNothing() {
    start(true);
    InventoryFingerprint before = InventoryFingerprint.read(node);
    Map<String, String> requests =
        Map.ofEntries(
            Map.entry("not json", "2"),
            Map.entry("[1, 2]", "2"),
            Map.entry("{\"instances\": []}", "2"),
            Map.entry("{\"migEnabled\": \"yes\"}", "2"),
            Map.entry("{\"migEnabled\": true, \"colour\": \"red\"}", "2"),
            Map.entry("{\"migEnabled\": true, \"instances\": \"3g.40gb\"}", "2"),
            Map.entry("{\"migEnabled\": true, \"instances\": [3]}", "2"),
            Map.entry("{\"migEnabled\": false, \"instances\": [\"1g.10gb\"]}", "2"),
            Map.entry("{\"migEnabled\": true, \"instances\": [\"9g.99gb\"]}", "2"),
            Map.entry("{\"migEnabled\": true, \"instances\": [\"4g.40gb\", \"4g.40gb\"]}", "1"),
            Map.entry("{\"migEnabled\": true, \"instances\": [\"7g.80gb\", \"1g.10gb\"]}", "3"),
            Map.entry("{\"migEnabled\": false}", "42"),
            Map.entry("{\"migEnabled\": true}", "GPU-00000000-0000-0000-0000-000000000000"));

    requests.forEach(
        (body, device) -> {
          HttpResponse<String> response = put(device, body);
          assertThat(response.statusCode()).as(device + " " + body).isEqualTo(400);
          assertThat(new JsonObject(response.body()).getString("error"))
              .as(body)
              .isNotBlank()
              .doesNotContain("\n")
              .doesNotContain("Exception");
        });
    assertThat(InventoryFingerprint.read(node)).isEqualTo(before);
    assertThat(new JsonObject(put("2", "{\"migEnabled\": \"yes\"}").body()).getString("error"))
        .isEqualTo("field 'migEnabled' must be true or false, not \"yes\"");
  }

  @Test
  void aPlacementTheHardwareRefusesSaysWhy() {
    start(true);

    HttpResponse<String> response =
        put("1", "{\"migEnabled\": true, \"instances\": [\"4g.40gb\", \"4g.40gb\"]}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(response.body()).getString("error"))
        .contains("INSUFFICIENT_RESOURCES", "4g.40gb");
  }

  @Test
  void aGpuWithRunningProcessesIs409AndKeepsItsMode() {
    start(true);
    String gpu2 = node.deviceByIndex(2).uuid();
    node.inject(gpu2, new SimFault.Process(4242, 1L << 30, 50));
    InventoryFingerprint before = InventoryFingerprint.read(node);

    HttpResponse<String> response =
        put("2", "{\"migEnabled\": true, \"instances\": [\"3g.40gb\"]}");

    assertThat(response.statusCode()).isEqualTo(409);
    assertThat(new JsonObject(response.body()).getString("error")).contains("IN_USE");
    assertThat(InventoryFingerprint.read(node)).isEqualTo(before);
  }

  @Test
  void theRouteDoesNotExistOutsideSimulation() {
    start(false);
    InventoryFingerprint before = InventoryFingerprint.read(node);

    assertThat(put("2", "{\"migEnabled\": true, \"instances\": [\"3g.40gb\"]}").statusCode())
        .isEqualTo(404);
    assertThat(InventoryFingerprint.read(node)).isEqualTo(before);
  }

  private HttpResponse<String> put(String device, String body) {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:" + agent.port() + "/api/v1/sim/gpus/" + device + "/mig"))
            .PUT(HttpRequest.BodyPublishers.ofString(body))
            .header("content-type", "application/json")
            .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
