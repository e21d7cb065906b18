package io.gpuagent.agent.deviceplugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpuagent.agent.Agent;
import io.gpuagent.agent.TestConfigs;
import io.gpuagent.agent.config.AgentConfig;
import io.gpuagent.deviceplugin.FakeKubelet;
import io.gpuagent.nvml.sim.SimOptions;
import io.gpuagent.nvml.sim.SimulatedNode;
import io.gpuagent.testing.Await;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The HTTP server starts beside NVML and the device plugin; a port it cannot bind still fails the
 * start before the kubelet hears of the agent, and leaves no socket behind.
 */
class AgentPortClashTest {

  @Test
  void aTakenPortFailsTheStartBeforeAnyRegistration() throws IOException {
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "clash");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        FakeKubelet kubelet = FakeKubelet.start(dir)) {
      SimulatedNode node =
          SimulatedNode.load("h100x8", new SimOptions("test-node", 1, Clock.systemUTC()));
      Map<String, String> env =
          Map.of(
              "GPU_AGENT_DEVICE_PLUGIN_ENABLED", "true",
              "GPU_AGENT_DEVICE_PLUGIN_DIR", dir.toString(),
              "GPU_AGENT_POD_RESOURCES_ENABLED", "false",
              // the warm-up's rounds run before the registration too: the join comes after them
              "GPU_AGENT_WARM_UP_ENABLED", "true");
      AgentConfig config =
          TestConfigs.simulated("h100x8", env, Optional.empty(), taken.getLocalPort());

      assertThatThrownBy(() -> Agent.start(config, node, Optional.of(node)))
          .hasMessageStartingWith("could not listen on 127.0.0.1 port " + taken.getLocalPort());

      assertThat(kubelet.registrations()).isEmpty();
      try (Stream<Path> files = Files.list(dir)) {
        // the lock file stays (unlocked), as after any stop; no socket of ours does
        assertThat(files.map(file -> file.getFileName().toString()))
            .noneMatch(name -> name.startsWith("gpu-agent-") && name.endsWith(".sock"));
      }
    } finally {
      // the fake kubelet's socket goes with its event loop, a moment after close
      Await.until("the directory removed", () -> deleted(dir));
    }
  }

  private static boolean deleted(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
