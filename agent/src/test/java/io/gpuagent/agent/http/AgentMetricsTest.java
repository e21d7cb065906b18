package io.gpuagent.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.agent.Agent;
import io.gpuagent.agent.TestConfigs;
import io.gpuagent.nvml.sim.SimFault;
import io.gpuagent.nvml.sim.SimOptions;
import io.gpuagent.nvml.sim.SimulatedNode;
import io.gpuagent.podresources.FakePodResourcesServer;
import io.gpuagent.testing.Await;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code /metrics} and pod attribution through the running agent, over real ports and sockets. */
class AgentMetricsTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private Agent agent;
  private SimulatedNode node;

  private void start(Map<String, String> env) {
    node = SimulatedNode.load("h100x8", new SimOptions("test-node", 1, Clock.systemUTC()));
    agent = Agent.start(TestConfigs.simulated("h100x8", env), node, Optional.of(node));
  }

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
  }

  private HttpResponse<byte[]> get(String path, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.port() + path));
    headers.forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private String metrics() throws Exception {
    return new String(get("/metrics", Map.of()).body(), StandardCharsets.UTF_8);
  }

  @Test
  void metricsShowTheDcgmSetForEveryGpu() throws Exception {
    start(Map.of("GPU_AGENT_METRICS_INTERVAL", "200ms"));
    // Profiling rates need two samples; the first sample has none.
    Await.until(
        "the second sample", () -> uncheckedMetrics().contains("DCGM_FI_PROF_GR_ENGINE_ACTIVE{"));

    String text = metrics();

    for (String name :
        new String[] {
          "DCGM_FI_DEV_SM_CLOCK", "DCGM_FI_DEV_MEM_CLOCK", "DCGM_FI_DEV_GPU_TEMP",
          "DCGM_FI_DEV_POWER_USAGE", "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", "DCGM_FI_DEV_GPU_UTIL",
          "DCGM_FI_DEV_FB_USED", "DCGM_FI_DEV_FB_FREE", "DCGM_FI_PROF_GR_ENGINE_ACTIVE"
        }) {
      assertThat(text.lines().filter(line -> line.startsWith(name + "{"))).as(name).hasSize(8);
    }
    assertThat(text)
        .contains("Hostname=\"test-node\"")
        .contains("modelName=\"NVIDIA H100 80GB HBM3\"");
  }

  @Test
  void metricsNegotiateOpenMetricsAndGzip() throws Exception {
    start(Map.of("GPU_AGENT_METRICS_INTERVAL", "200ms"));
    Await.until("the first sample", () -> uncheckedMetrics().contains("DCGM_FI_DEV_GPU_TEMP{"));

    HttpResponse<byte[]> open =
        get("/metrics", Map.of("Accept", "application/openmetrics-text; version=1.0.0"));
    HttpResponse<byte[]> gzipped = get("/metrics", Map.of("Accept-Encoding", "gzip"));

    assertThat(open.headers().firstValue("content-type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/openmetrics-text"));
    assertThat(new String(open.body(), StandardCharsets.UTF_8)).endsWith("# EOF\n");
    assertThat(gzipped.headers().firstValue("content-encoding")).contains("gzip");
    String unzipped =
        new String(
            new GZIPInputStream(new ByteArrayInputStream(gzipped.body())).readAllBytes(),
            StandardCharsets.UTF_8);
    assertThat(unzipped).contains("DCGM_FI_DEV_GPU_TEMP{");
  }

  @Test
  void aGpuHeldByOnePodCarriesItsLabelsAndShowsInTheDeviceApi() throws Exception {
    Path socket = Files.createTempDirectory(Path.of("/tmp"), "pr").resolve("kubelet.sock");
    try (FakePodResourcesServer kubelet = FakePodResourcesServer.start(socket)) {
      start(
          Map.of(
              "GPU_AGENT_METRICS_INTERVAL", "200ms",
              "GPU_AGENT_POD_RESOURCES_ENABLED", "true",
              "GPU_AGENT_POD_RESOURCES_SOCKET", socket.toString(),
              "GPU_AGENT_POD_RESOURCES_INTERVAL", "100ms"));
      String uuid =
          new JsonObject(
                  new String(get("/api/v1/devices", Map.of()).body(), StandardCharsets.UTF_8))
              .getJsonArray("devices")
              .getJsonObject(2)
              .getString("uuid");

      kubelet.assign("ml", "trainer-0", "main", "nvidia.com/gpu", uuid);

      Await.until(
          "pod labels on the GPU's series", () -> uncheckedMetrics().contains("pod=\"trainer-0\""));
      assertThat(
              metrics()
                  .lines()
                  .filter(line -> line.startsWith("DCGM_FI_DEV_GPU_TEMP{"))
                  .filter(line -> line.contains("UUID=\"" + uuid + "\"")))
          .singleElement()
          .satisfies(
              line ->
                  assertThat(line)
                      .contains("namespace=\"ml\"")
                      .contains("pod=\"trainer-0\"")
                      .contains("container=\"main\""));
      JsonObject gpu =
          new JsonObject(
                  new String(get("/api/v1/devices", Map.of()).body(), StandardCharsets.UTF_8))
              .getJsonArray("devices")
              .getJsonObject(2);
      assertThat(gpu.getJsonArray("allocatedTo").getJsonObject(0).getString("pod"))
          .isEqualTo("trainer-0");
    }
  }

  @Test
  void podAttributionSurvivesAnInventoryRebuildForTheGpusThatRemain() throws Exception {
    Path socket = Files.createTempDirectory(Path.of("/tmp"), "pr").resolve("kubelet.sock");
    try (FakePodResourcesServer kubelet = FakePodResourcesServer.start(socket)) {
      start(
          Map.of(
              "GPU_AGENT_METRICS_INTERVAL", "200ms",
              "GPU_AGENT_POD_RESOURCES_ENABLED", "true",
              "GPU_AGENT_POD_RESOURCES_SOCKET", socket.toString(),
              "GPU_AGENT_POD_RESOURCES_INTERVAL", "100ms",
              "GPU_AGENT_INVENTORY_INTERVAL", "100ms"));
      String held = node.devices().get(2).uuid();
      kubelet.assign("ml", "trainer-0", "main", "nvidia.com/gpu", held);
      Await.until("pod labels on GPU 2", () -> uncheckedMetrics().contains("pod=\"trainer-0\""));

      node.inject(node.devices().get(5).uuid(), new SimFault.Lost());
      Await.until(
          "the inventory rebuilt without GPU 5",
          () -> agent.inventory().current().orElseThrow().lostGpus().size() == 1);

      JsonObject gpu =
          new JsonObject(
                  new String(get("/api/v1/devices", Map.of()).body(), StandardCharsets.UTF_8))
              .getJsonArray("devices")
              .getJsonObject(2);
      assertThat(gpu.getString("uuid")).isEqualTo(held);
      assertThat(gpu.getJsonArray("allocatedTo").getJsonObject(0).getString("pod"))
          .isEqualTo("trainer-0");
      Await.until(
          "a sample of the rebuilt inventory",
          () ->
              uncheckedMetrics()
                      .lines()
                      .filter(line -> line.startsWith("DCGM_FI_DEV_GPU_TEMP{"))
                      .count()
                  == 7);
      assertThat(
              metrics()
                  .lines()
                  .filter(line -> line.startsWith("DCGM_FI_DEV_GPU_TEMP{"))
                  .filter(line -> line.contains("UUID=\"" + held + "\"")))
          .singleElement()
          .satisfies(line -> assertThat(line).contains("pod=\"trainer-0\""));
    }
  }

  @Test
  void aLostGpuIsReportedUnhealthyAndLosesItsSeries() throws Exception {
    // The agent notices the lost GPU itself, at its next hardware check.
    start(Map.of("GPU_AGENT_METRICS_INTERVAL", "200ms", "GPU_AGENT_INVENTORY_INTERVAL", "100ms"));
    Await.until("the first sample", () -> uncheckedMetrics().contains("DCGM_FI_DEV_GPU_TEMP{"));
    String uuid = node.devices().get(5).uuid();

    HttpResponse<byte[]> injected =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + agent.port() + "/api/v1/sim/faults"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"device\":5,\"fault\":\"lost\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(injected.statusCode()).isEqualTo(201);

    Await.until(
        "the lost GPU's series to go",
        () ->
            uncheckedMetrics()
                    .lines()
                    .filter(line -> line.startsWith("DCGM_FI_DEV_GPU_TEMP{"))
                    .count()
                == 7);
    Await.until(
        "the lost GPU reported unhealthy",
        () ->
            uncheckedMetrics().contains("gpu_agent_device_health{")
                && healthLine(uuid).endsWith(" 0.0"));
    JsonObject lost =
        new JsonObject(new String(get("/api/v1/devices", Map.of()).body(), StandardCharsets.UTF_8))
            .getJsonArray("lostDevices")
            .getJsonObject(0);
    assertThat(lost.getString("health")).isEqualTo("Unhealthy");
    assertThat(lost.getString("healthReason")).isEqualTo("gpu-lost");
  }

  private String healthLine(String uuid) {
    return uncheckedMetrics()
        .lines()
        .filter(line -> line.startsWith("gpu_agent_device_health{") && line.contains(uuid))
        .findFirst()
        .orElse("");
  }

  private String uncheckedMetrics() {
    try {
      return metrics();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
