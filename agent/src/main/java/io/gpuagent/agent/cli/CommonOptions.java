package io.gpuagent.agent.cli;

import io.gpuagent.agent.config.AgentConfig;
import io.gpuagent.agent.config.ConfigLoader.FlagValue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Flags shared by {@code run} and {@code devices}; each overrides one configuration key. */
final class CommonOptions {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "YAML config file (also $GPU_AGENT_CONFIG).")
  Path config;

  @Mixin NodeOptions node;

  @Option(names = "--log-format", paramLabel = "text|json", description = "Log line format.")
  String logFormat;

  @Option(
      names = "--log-level",
      paramLabel = "LEVEL",
      description = "error, warn, info, debug, trace.")
  String logLevel;

  List<FlagValue> flags() {
    List<FlagValue> flags = node.flags();
    ConfigFlag.LOG_FORMAT.addTo(flags, logFormat);
    ConfigFlag.LOG_LEVEL.addTo(flags, logLevel);
    return flags;
  }

  /** Loads the configuration from defaults, file, environment and these flags. */
  AgentConfig load(CliEnvironment env, List<FlagValue> extraFlags) {
    List<FlagValue> all = new ArrayList<>(flags());
    all.addAll(extraFlags);
    return NodeOptions.load(env, Optional.ofNullable(config), all);
  }
}
