package io.gpuagent.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.agent.Agent;
import io.gpuagent.agent.TestConfigs;
import io.gpuagent.nvml.sim.SimOptions;
import io.gpuagent.nvml.sim.SimulatedNode;
import io.gpuagent.testing.Await;
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
 * Under {@code --simulate} with a profile that has pods, the agent labels them without a kubelet.
 */
class AgentSimulatedPodsTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private Agent agent;

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
  }

  @Test
  void simulatedPodsHoldTheirSharesWithoutAKubelet() throws Exception {
    SimulatedNode node =
        SimulatedNode.load("h100x8-shared", new SimOptions("test-node", 1, Clock.systemUTC()));
    agent =
        Agent.start(
            TestConfigs.simulated("h100x8-shared", Map.of("GPU_AGENT_METRICS_INTERVAL", "200ms")),
            node,
            Optional.of(node));
    String gpu0 = node.deviceByIndex(0).uuid();
    Await.until("per-pod devices of GPU 0", () -> metrics().contains("pod=\"llm-small\""));

    String text = metrics();
    assertThat(
            text.lines()
                .filter(l -> l.startsWith("gpu_agent_pod_allocated_devices{"))
                .filter(l -> l.contains("UUID=\"" + gpu0 + "\"")))
        .hasSize(3);
    assertThat(
            text.lines()
                .filter(l -> l.startsWith("DCGM_FI_DEV_FB_USED{"))
                .filter(l -> l.contains("UUID=\"" + gpu0 + "\"")))
        .singleElement()
        .satisfies(line -> assertThat(line).doesNotContain("pod="));
  }

  private String metrics() {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.port() + "/metrics"))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
