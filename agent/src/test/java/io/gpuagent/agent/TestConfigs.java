package io.gpuagent.agent;

import io.gpuagent.agent.config.AgentConfig;
import io.gpuagent.agent.config.ConfigLoader;
import io.gpuagent.agent.config.ConfigLoader.FlagValue;
import io.gpuagent.agent.config.HttpConfig;
import io.gpuagent.nvml.sim.SimOptions;
import io.gpuagent.nvml.sim.SimulatedNode;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Configurations for in-process agent tests: loopback, a free port, a simulated node. */
public final class TestConfigs {
  private TestConfigs() {}

  /** An agent on the simulated node {@code profile} ({@link #simulated(String, Map)}), started. */
  public static Agent startSimulated(String profile, Map<String, String> environment) {
    SimulatedNode node =
        SimulatedNode.load(profile, new SimOptions("test-node", 1, Clock.systemUTC()));
    return Agent.start(simulated(profile, environment), node, Optional.of(node));
  }

  public static AgentConfig simulated(String profile) {
    return simulated(profile, Map.of());
  }

  /**
   * Also takes {@code GPU_AGENT_…} environment variables, e.g. for TLS or auth files. The device
   * plugin, the podresources client and the start-up warm-up are off unless the environment turns
   * them on, so a test never touches a real kubelet's directory.
   */
  public static AgentConfig simulated(String profile, Map<String, String> environment) {
    return simulated(profile, environment, Optional.empty());
  }

  /** Also reads a config file, as {@code --config} does. */
  public static AgentConfig simulated(
      String profile, Map<String, String> environment, Optional<Path> configFile) {
    return simulated(profile, environment, configFile, 0);
  }

  /** On {@code port} of 127.0.0.1 ({@code --port}) instead of a free one. */
  public static AgentConfig simulated(
      String profile, Map<String, String> environment, Optional<Path> configFile, int port) {
    Map<String, String> env = new HashMap<>();
    env.put("GPU_AGENT_DEVICE_PLUGIN_ENABLED", "false");
    env.put("GPU_AGENT_POD_RESOURCES_ENABLED", "false");
    // Tests of other behaviour start at once; AgentWarmUpTest turns it on.
    env.put("GPU_AGENT_WARM_UP_ENABLED", "false");
    env.putAll(environment);
    return new ConfigLoader(env, new HashSet<>(SimulatedNode.builtInProfiles()), () -> "test-node")
        .load(
            configFile,
            List.of(
                new FlagValue("--simulate", AgentConfig.SIMULATE_PROFILE, profile),
                new FlagValue("--port", HttpConfig.PORT, String.valueOf(port)),
                new FlagValue("--host", HttpConfig.HOST, "127.0.0.1")));
  }
}
