package io.gpuagent.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import io.gpuagent.agent.config.AgentConfig;
import io.gpuagent.nvml.sim.SimOptions;
import io.gpuagent.nvml.sim.SimulatedNode;
import io.gpuagent.testing.LogCapture;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A start that fails says so in one line, stops what had started (NVML included, when it came up
 * beside the HTTP server) and never claims a shutdown of what never started.
 */
class AgentStartFailureTest {
  private static AgentConfig config(int port) {
    return TestConfigs.simulated("h100x8", Map.of(), Optional.empty(), port);
  }

  @Test
  void aTakenPortFailsTheStartWithOneLineAndStopsWhatStarted() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        LogCapture log = new LogCapture(Agent.class)) {
      SimulatedNode node =
          SimulatedNode.load("h100x8", new SimOptions("test-node", 1, Clock.systemUTC()));

      assertThatThrownBy(() -> Agent.start(config(taken.getLocalPort()), node, Optional.of(node)))
          .hasMessageStartingWith("could not listen on 127.0.0.1 port " + taken.getLocalPort())
          .hasMessageNotContaining("Exception");

      // NVML starts beside the HTTP server: when it came up, it is shut down again, once.
      List<String> lines = log.messages(Level.INFO);
      assertThat(lines.stream().filter(line -> line.startsWith("nvml-shutdown")).count())
          .isEqualTo(lines.stream().filter(line -> line.startsWith("nvml-ready")).count());
      assertThat(lines).noneMatch(line -> line.startsWith("agent-ready"));
    }
  }
}
