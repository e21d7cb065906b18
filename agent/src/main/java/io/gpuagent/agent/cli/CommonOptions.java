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

/** Flags shared by {@code run} and {@code devices}; each overrides one configuration key. */
final class CommonOptions {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "YAML config file (also $GPU_AGENT_CONFIG).")
  Path config;

  @Option(
      names = "--simulate",
      paramLabel = "PROFILE",
      description = "Simulate a node: h100x8, a100-mig, pcie-mixed, or a profile file.")
  String simulate;

  @Option(names = "--seed", paramLabel = "N", description = "Seed of the simulated node.")
  String seed;

  @Option(names = "--node-name", paramLabel = "NAME", description = "Kubernetes node name.")
  String nodeName;

  @Option(names = "--log-format", paramLabel = "text|json", description = "Log line format.")
  String logFormat;

  @Option(
      names = "--log-level",
      paramLabel = "LEVEL",
      description = "error, warn, info, debug, trace.")
  String logLevel;

  List<FlagValue> flags() {
    List<FlagValue> flags = new ArrayList<>();
    ConfigFlag.SIMULATE.addTo(flags, simulate);
    ConfigFlag.SEED.addTo(flags, seed);
    ConfigFlag.NODE_NAME.addTo(flags, nodeName);
    ConfigFlag.LOG_FORMAT.addTo(flags, logFormat);
    ConfigFlag.LOG_LEVEL.addTo(flags, logLevel);
    return flags;
  }

  /** Loads the configuration from defaults, file, environment and these flags. */
  AgentConfig load(CliEnvironment env, List<FlagValue> extraFlags) {
    List<FlagValue> all = new ArrayList<>(flags());
    all.addAll(extraFlags);
    return new ConfigLoader(
            env.variables(), new HashSet<>(SimulatedNode.builtInProfiles()), env.hostName())
        .load(Optional.ofNullable(config), all);
  }
}
