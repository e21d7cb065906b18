package io.gpuagent.agent.cli;

import io.gpuagent.agent.config.AgentConfig;
import io.gpuagent.agent.config.ConfigLoader;
import io.gpuagent.agent.config.ConfigLoader.FlagValue;
import io.gpuagent.nvml.sim.SimulatedNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The flags that choose the node a command works on: simulated or real, and its name. */
final class NodeOptions {
  @Option(
      names = "--simulate",
      paramLabel = "PROFILE",
      description = "Simulate a node: h100x8, a100-mig, pcie-mixed, or a profile file.")
  String simulate;

  @Option(names = "--seed", paramLabel = "N", description = "Seed of the simulated node.")
  String seed;

  @Option(names = "--node-name", paramLabel = "NAME", description = "Kubernetes node name.")
  String nodeName;

  List<FlagValue> flags() {
    List<FlagValue> flags = new ArrayList<>();
    ConfigFlag.SIMULATE.addTo(flags, simulate);
    ConfigFlag.SEED.addTo(flags, seed);
    ConfigFlag.NODE_NAME.addTo(flags, nodeName);
    return flags;
  }

  /** The configuration from defaults, {@code file}, the environment and {@code flags}. */
  static AgentConfig load(CliEnvironment env, Optional<Path> file, List<FlagValue> flags) {
    return new ConfigLoader(
            env.variables(), new HashSet<>(SimulatedNode.builtInProfiles()), env.hostName())
        .load(file, flags);
  }
}
