package io.gpuagent.agent.cli;

import io.gpuagent.agent.config.AgentConfig;
import io.gpuagent.agent.config.ConfigLoader;
import io.gpuagent.agent.config.ConfigLoader.FlagValue;
import io.gpuagent.agent.config.ConfigSchema;
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
    add(flags, "--simulate", ConfigSchema.SIMULATE_PROFILE, simulate);
    add(flags, "--seed", ConfigSchema.SIMULATE_SEED, seed);
    add(flags, "--node-name", ConfigSchema.NODE_NAME, nodeName);
    add(flags, "--log-format", ConfigSchema.LOG_FORMAT, logFormat);
    add(flags, "--log-level", ConfigSchema.LOG_LEVEL, logLevel);
    return flags;
  }

  static void add(
      List<FlagValue> flags, String flag, io.gpuagent.agent.config.ConfigKey<?> key, String value) {
    if (value != null) {
      flags.add(new FlagValue(flag, key, value));
    }
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
