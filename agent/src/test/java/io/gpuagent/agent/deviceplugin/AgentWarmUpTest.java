package io.gpuagent.agent.deviceplugin;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.gpuagent.agent.Agent;
import io.gpuagent.deviceplugin.FakeKubelet.Registration;
import io.gpuagent.testing.Await;
import io.gpuagent.testing.LogCapture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The start-up warm-up runs the kubelet's calls before the first registration and the HTTP routes a
 * moment after the start, and leaves nothing behind that the kubelet, the API or the metrics would
 * show.
 */
class AgentWarmUpTest {
  private static final String GPU = "nvidia.com/gpu";

  private AgentWithKubelet fixture;

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void warmUpCallsEveryPathOnceLoggedAndLeavesNoTrace() throws IOException {
    List<String> lines;
    try (LogCapture log = new LogCapture(Agent.class)) {
      fixture =
          AgentWithKubelet.start(
              "h100x8",
              "none",
              Map.of("GPU_AGENT_WARM_UP_ENABLED", "true", "GPU_AGENT_WARM_UP_BUDGET", "120s"));
      // The HTTP part comes a moment after the start; the line then tells both parts.
      Await.until(
          "the warm-up line",
          () -> log.messages(Level.INFO).stream().anyMatch(m -> m.startsWith("warm-up ")));
      lines = log.messages(Level.INFO).stream().filter(m -> m.startsWith("warm-up ")).toList();
    }
    Registration registration = fixture.kubelet.awaitRegistration(GPU);

    assertThat(lines).hasSize(1);
    assertThat(lines.get(0))
        .containsPattern("grpcCalls=[1-9]")
        .containsPattern("httpRequests=[1-9]")
        .doesNotContain("Stopped=");
    // The kubelet heard of the real socket only, once; the throwaway sockets are gone.
    assertThat(fixture.kubelet.registrations()).hasSize(1);
    assertThat(registration.request().getEndpoint()).isEqualTo("gpu-agent-nvidia.com-gpu.sock");
    try (Stream<Path> files = Files.list(fixture.dir)) {
      assertThat(files.map(file -> file.getFileName().toString()))
          .containsExactlyInAnyOrder(
              "kubelet.sock",
              "gpu-agent-nvidia.com-gpu.sock",
              "gpu-agent.lock",
              ".gpu-agent-standby");
    }
    // where servers bind: at most the resource's standby server
    try (Stream<Path> files = Files.list(fixture.dir.resolve(".gpu-agent-standby"))) {
      assertThat(files.map(file -> file.getFileName().toString()))
          .allMatch(name -> name.matches("gpu-agent-nvidia\\.com-gpu\\.[0-9a-z]+\\.sock"));
    }
    // No device is shown as held, and the real endpoint has only the kubelet's stream.
    JsonObject devices = fixture.devices();
    JsonArray gpus = devices.getJsonArray("devices");
    assertThat(gpus).hasSize(8);
    for (int i = 0; i < gpus.size(); i++) {
      assertThat(gpus.getJsonObject(i).getJsonArray("allocatedTo", new JsonArray())).isEmpty();
    }
    fixture.kubelet.plugin(GPU).awaitFirstList();
    JsonObject resource =
        devices.getJsonObject("devicePlugin").getJsonArray("resources").getJsonObject(0);
    assertThat(resource.getInteger("listAndWatchStreams")).isLessThanOrEqualTo(1);
    // A later sample shows the 8 devices, as without a warm-up.
    Await.until(
        "8 healthy devices in /metrics",
        () ->
            fixture
                .metricLine(
                    "gpu_agent_device_plugin_devices{health=\"Healthy\",resource=\"nvidia.com/gpu\"}")
                .endsWith(" 8.0"));
  }
}
