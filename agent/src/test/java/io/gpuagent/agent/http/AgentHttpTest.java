package io.gpuagent.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.agent.Agent;
import io.gpuagent.agent.TestConfigs;
import io.gpuagent.agent.config.AgentConfig;
import io.gpuagent.nvml.sim.SimOptions;
import io.gpuagent.nvml.sim.SimulatedNode;
import io.gpuagent.testing.Await;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The agent's HTTP API over a real port, on the simulated h100x8 node. */
class AgentHttpTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private Agent agent;

  private Agent start(String profile, boolean simRoutes) {
    return start(profile, simRoutes, Map.of());
  }

  private Agent start(String profile, boolean simRoutes, Map<String, String> env) {
    AgentConfig config = TestConfigs.simulated(profile, env);
    SimulatedNode node =
        SimulatedNode.load(profile, new SimOptions("test-node", 1, Clock.systemUTC()));
    agent = Agent.start(config, node, simRoutes ? Optional.of(node) : Optional.empty());
    return agent;
  }

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> send(String method, String path, String body)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.port() + path))
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .header("content-type", "application/json")
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonArray devices() throws IOException, InterruptedException {
    return new JsonObject(get("/api/v1/devices").body()).getJsonArray("devices");
  }

  private JsonArray devicesNow() {
    try {
      return devices();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void healthAndReadinessAnswerOnceInventoryIsBuilt() throws Exception {
    start("h100x8", true);

    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    assertThat(get("/readyz").statusCode()).isEqualTo(200);
  }

  @Test
  void devicesListsEightH100sWithDistinctUuidsAndEightyGigabytes() throws Exception {
    start("h100x8", true);

    JsonArray devices = devices();

    assertThat(devices).hasSize(8);
    Set<String> uuids = new HashSet<>();
    for (int i = 0; i < devices.size(); i++) {
      JsonObject gpu = devices.getJsonObject(i);
      assertThat(gpu.getInteger("index")).isEqualTo(i);
      assertThat(gpu.getString("uuid")).matches("GPU-[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}");
      assertThat(gpu.getString("name")).isEqualTo("NVIDIA H100 80GB HBM3");
      assertThat(gpu.getLong("memoryTotalBytes")).isBetween(79L << 30, 81L << 30);
      assertThat(gpu.getInteger("numaNode")).isIn(0, 1);
      assertThat(gpu.getBoolean("migEnabled")).isFalse();
      assertThat(gpu.getJsonArray("migDevices")).isEmpty();
      uuids.add(gpu.getString("uuid"));
    }
    assertThat(uuids).hasSize(8);
  }

  @Test
  void devicesShowMigDevicesWithProfiles() throws Exception {
    start("a100-mig", true);

    JsonArray devices = devices();

    assertThat(devices).hasSize(4);
    JsonObject gpu0 = devices.getJsonObject(0);
    assertThat(gpu0.getBoolean("migEnabled")).isTrue();
    JsonArray mig = gpu0.getJsonArray("migDevices");
    assertThat(mig).isNotEmpty();
    JsonObject first = mig.getJsonObject(0);
    assertThat(first.getString("uuid")).startsWith("MIG-");
    assertThat(first.getString("profile")).matches("\\d+g\\.\\d+gb(\\+me)?");
    assertThat(first.getLong("memoryTotalBytes")).isPositive();
    assertThat(devices.getJsonObject(2).getJsonArray("migDevices")).isEmpty();
  }

  @Test
  void injectedLostGpuLeavesTheDeviceListUntilCleared() throws Exception {
    // The route changes the simulated hardware only; the agent's periodic check notices.
    start("h100x8", true, Map.of("GPU_AGENT_INVENTORY_INTERVAL", "100ms"));
    String uuid = devices().getJsonObject(3).getString("uuid");

    HttpResponse<String> injected =
        send("POST", "/api/v1/sim/faults", "{\"device\":3,\"fault\":\"lost\"}");

    assertThat(injected.statusCode()).isEqualTo(201);
    assertThat(new JsonObject(injected.body()).getString("device")).isEqualTo(uuid);
    Await.until("GPU 3 to leave the device list", () -> devicesNow().size() == 7);
    JsonObject body = new JsonObject(get("/api/v1/devices").body());
    assertThat(body.getJsonArray("devices")).hasSize(7);
    assertThat(body.getJsonArray("lostDevices").getJsonObject(0).getString("uuid")).isEqualTo(uuid);
    assertThat(body.getJsonArray("lostDevices").getJsonObject(0).getString("error"))
        .isEqualTo("NVML_ERROR_GPU_IS_LOST");
    JsonArray faults = new JsonObject(get("/api/v1/sim/faults").body()).getJsonArray("faults");
    assertThat(faults).hasSize(1);
    assertThat(faults.getJsonObject(0).getString("fault")).isEqualTo("lost");

    assertThat(send("DELETE", "/api/v1/sim/faults/" + uuid, "").statusCode()).isEqualTo(200);
    Await.until("GPU 3 back in the device list", () -> devicesNow().size() == 8);
    assertThat(new JsonObject(get("/api/v1/sim/faults").body()).getJsonArray("faults")).isEmpty();
  }

  @Test
  void xidFaultIsListedWithItsCode() throws Exception {
    start("h100x8", true);

    HttpResponse<String> response =
        send(
            "POST",
            "/api/v1/sim/faults",
            "{\"device\":\""
                + devices().getJsonObject(3).getString("uuid")
                + "\",\"fault\":\"xid\",\"xid\":79}");

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(new JsonObject(response.body()).getInteger("xid")).isEqualTo(79);
  }

  @Test
  void malformedFaultRequestsGetOneLine400AndChangeNothing() throws Exception {
    start("h100x8", true);
    String[] bodies = {
      "not json",
      "[1,2]",
      "{\"fault\":\"xid\",\"xid\":79}",
      "{\"device\":0,\"fault\":\"melt\"}",
      "{\"device\":0,\"fault\":\"xid\"}",
      "{\"device\":0,\"fault\":\"xid\",\"xid\":-1}",
      "{\"device\":0,\"fault\":\"xid\",\"xid\":79,\"colour\":\"red\"}",
      "{\"device\":\"GPU-00000000-0000-0000-0000-000000000000\",\"fault\":\"lost\"}",
      "{\"device\":42,\"fault\":\"lost\"}",
      "{\"device\":0,\"fault\":\"latency\",\"delayMs\":1.5}",
    };

    for (String body : bodies) {
      HttpResponse<String> response = send("POST", "/api/v1/sim/faults", body);
      assertThat(response.statusCode()).as(body).isEqualTo(400);
      String error = new JsonObject(response.body()).getString("error");
      assertThat(error).as(body).isNotBlank().doesNotContain("\n").doesNotContain("Exception");
    }
    assertThat(new JsonObject(get("/api/v1/sim/faults").body()).getJsonArray("faults")).isEmpty();
    assertThat(devices()).hasSize(8);
  }

  @Test
  void simulatorRoutesDoNotExistOutsideSimulation() throws Exception {
    start("h100x8", false);

    assertThat(get("/api/v1/sim/faults").statusCode()).isEqualTo(404);
    assertThat(send("POST", "/api/v1/sim/faults", "{\"device\":0,\"fault\":\"lost\"}").statusCode())
        .isEqualTo(404);
    assertThat(get("/api/v1/devices").statusCode()).isEqualTo(200);
  }

  @Test
  void unknownRouteIs404WithJsonError() throws Exception {
    start("h100x8", true);

    HttpResponse<String> response = get("/api/v1/nope");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(response.body()).getString("error")).contains("/api/v1/nope");
  }
}
