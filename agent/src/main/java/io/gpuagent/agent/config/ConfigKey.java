package io.gpuagent.agent.config;

import java.util.Locale;
import java.util.Optional;

/**
 * One configuration key: its dotted path in the YAML file, its type, its default and what it does.
 * The environment variable name is derived: {@code metrics.interval} → {@code
 * GPU_AGENT_METRICS_INTERVAL}, {@code nodeName} → {@code GPU_AGENT_NODE_NAME}.
 */
public record ConfigKey<T>(
    String path, ValueType<T> type, Optional<T> defaultValue, String description) {

  public static final String ENV_PREFIX = "GPU_AGENT_";

  public String envName() {
    String snake = path.replace('.', '_').replaceAll("([a-z0-9])([A-Z])", "$1_$2");
    return ENV_PREFIX + snake.toUpperCase(Locale.ROOT);
  }
}
