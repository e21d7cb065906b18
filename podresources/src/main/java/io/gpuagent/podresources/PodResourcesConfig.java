package io.gpuagent.podresources;

import io.gpuagent.config.ConfigKey;
import io.gpuagent.config.ConfigSection;
import io.gpuagent.config.ConfigValues;
import io.gpuagent.config.ValueType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Where and how often the {@link PodResourcesWatcher} asks the kubelet; the keys under {@code
 * podResources.}.
 */
public record PodResourcesConfig(Path socket, Duration interval) {
  public static final String PREFIX = "podResources";

  public static final ConfigKey<Boolean> ENABLED =
      ConfigKey.of(
          PREFIX,
          "enabled",
          new ValueType.Flag(),
          true,
          "Learn which pod holds which device from the kubelet's podresources API.");
  public static final ConfigKey<Path> SOCKET =
      ConfigKey.of(
          PREFIX,
          "socket",
          new ValueType.FilePath(),
          Path.of("/var/lib/kubelet/pod-resources/kubelet.sock"),
          "The kubelet's podresources socket.");
  public static final ConfigKey<Duration> INTERVAL =
      ConfigKey.of(
          PREFIX,
          "interval",
          new ValueType.MinDuration(Duration.ofMillis(100)),
          Duration.ofSeconds(10),
          "How often pod assignments are refreshed.");

  public static final ConfigSection SECTION =
      new ConfigSection(PREFIX, "Pod resources", List.of(ENABLED, SOCKET, INTERVAL));

  public PodResourcesConfig {
    Objects.requireNonNull(socket, "socket");
    Objects.requireNonNull(interval, "interval");
  }

  /** The configured client, or the defaults for keys nobody set. */
  public static PodResourcesConfig from(ConfigValues values) {
    return new PodResourcesConfig(values.get(SOCKET), values.get(INTERVAL));
  }

  public static PodResourcesConfig defaults() {
    return from(ConfigValues.defaults());
  }
}
