package io.gpuagent.agent.config;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** The validated configuration the agent runs with. Built only by {@link ConfigLoader}. */
public record AgentConfig(
    String nodeName,
    String httpHost,
    int httpPort,
    String logFormat,
    String logLevel,
    Optional<String> simulateProfile,
    long simulateSeed,
    String nvmlLibrary,
    Duration metricsInterval,
    Duration shutdownTimeout) {

  static AgentConfig from(Map<ConfigKey<?>, Object> values) {
    String profile = get(values, ConfigSchema.SIMULATE_PROFILE);
    return new AgentConfig(
        get(values, ConfigSchema.NODE_NAME),
        get(values, ConfigSchema.HTTP_HOST),
        get(values, ConfigSchema.HTTP_PORT),
        get(values, ConfigSchema.LOG_FORMAT),
        get(values, ConfigSchema.LOG_LEVEL),
        profile.isBlank() ? Optional.empty() : Optional.of(profile),
        get(values, ConfigSchema.SIMULATE_SEED),
        get(values, ConfigSchema.NVML_LIBRARY),
        get(values, ConfigSchema.METRICS_INTERVAL),
        get(values, ConfigSchema.SHUTDOWN_TIMEOUT));
  }

  @SuppressWarnings("unchecked") // values are stored by the key that parsed them
  private static <T> T get(Map<ConfigKey<?>, Object> values, ConfigKey<T> key) {
    return (T) values.get(key);
  }
}
