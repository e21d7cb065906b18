package io.gpuagent.agent.cli;

import io.gpuagent.agent.config.AgentConfig;
import io.gpuagent.agent.config.ConfigLoader.FlagValue;
import io.gpuagent.agent.config.HttpConfig;
import io.gpuagent.config.ConfigKey;
import io.gpuagent.deviceplugin.DevicePluginConfig;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The command-line flags that set a configuration key (the highest precedence), each tied to the
 * key it sets; {@code docs/configuration.md}'s flag column is rendered from this list.
 */
public enum ConfigFlag {
  SIMULATE("--simulate", AgentConfig.SIMULATE_PROFILE, false),
  SEED("--seed", AgentConfig.SIMULATE_SEED, false),
  NODE_NAME("--node-name", AgentConfig.NODE_NAME, false),
  LOG_FORMAT("--log-format", AgentConfig.LOG_FORMAT, false),
  LOG_LEVEL("--log-level", AgentConfig.LOG_LEVEL, false),
  PORT("--port", HttpConfig.PORT, true),
  DEVICE_PLUGIN_DIR("--device-plugin-dir", DevicePluginConfig.DIR, true),
  MIG_STRATEGY("--mig-strategy", DevicePluginConfig.MIG_STRATEGY, true);

  private final String flag;
  private final ConfigKey<?> key;
  private final boolean runOnly;

  ConfigFlag(String flag, ConfigKey<?> key, boolean runOnly) {
    this.flag = flag;
    this.key = key;
    this.runOnly = runOnly;
  }

  public String flag() {
    return flag;
  }

  /** Adds {@code given} to {@code flags} when the user gave this flag (picocli left it null). */
  void addTo(List<FlagValue> flags, String given) {
    if (given != null) {
      flags.add(new FlagValue(flag, key, given));
    }
  }

  /** The docs' flag cell for {@code key}: {@code `--port` (run)}, or empty when no flag sets it. */
  public static String docsCell(ConfigKey<?> key) {
    return Arrays.stream(values())
        .filter(value -> value.key.equals(key))
        .map(value -> "`" + value.flag + "`" + (value.runOnly ? " (run)" : ""))
        .collect(Collectors.joining(", "));
  }
}
