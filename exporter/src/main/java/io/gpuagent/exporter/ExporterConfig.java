package io.gpuagent.exporter;

import io.gpuagent.config.ConfigException;
import io.gpuagent.config.ConfigKey;
import io.gpuagent.config.ConfigSection;
import io.gpuagent.config.ConfigValues;
import io.gpuagent.config.ValueType;
import io.gpuagent.exporter.counters.CounterSet;
import io.gpuagent.exporter.counters.CountersFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How the exporter samples: every {@code interval} (config {@code metrics.interval}), giving each
 * GPU {@code deviceTimeout} to answer before its series are left out of that sample; which DCGM
 * fields ({@code counters}); and whether JVM metrics are included. The keys under {@code metrics.}
 * are declared here.
 */
public record ExporterConfig(
    Duration interval, Duration deviceTimeout, CounterSet counters, boolean jvmMetrics) {
  public static final String PREFIX = "metrics";

  public static final ConfigKey<Boolean> ENABLED =
      ConfigKey.of(
          PREFIX,
          "enabled",
          new ValueType.Flag(),
          true,
          "Serve DCGM-compatible metrics on `GET /metrics`.");
  public static final ConfigKey<Duration> INTERVAL =
      ConfigKey.of(
          PREFIX,
          "interval",
          new ValueType.MinDuration(Duration.ofMillis(100)),
          Duration.ofSeconds(5),
          "How often the sampler reads NVML; a scrape renders the latest sample.");
  public static final ConfigKey<Optional<Path>> COUNTERS_FILE =
      ConfigKey.of(
          PREFIX,
          "countersFile",
          new ValueType.Maybe<>(new ValueType.FilePath()),
          Optional.empty(),
          "A dcgm-exporter counters CSV choosing the fields; empty: the built-in default set.");

  public static final ConfigSection SECTION =
      new ConfigSection(PREFIX, "Metrics", List.of(ENABLED, INTERVAL, COUNTERS_FILE));

  /** A device that has not answered in this long is late on any node. */
  private static final Duration MAX_DEFAULT_DEVICE_TIMEOUT = Duration.ofSeconds(2);

  public ExporterConfig {
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(deviceTimeout, "deviceTimeout");
    Objects.requireNonNull(counters, "counters");
    INTERVAL.check(interval);
    if (deviceTimeout.isNegative()
        || deviceTimeout.isZero()
        || deviceTimeout.compareTo(interval) > 0) {
      throw new IllegalArgumentException(
          "device timeout must be positive and at most the interval "
              + interval
              + ", got "
              + deviceTimeout);
    }
  }

  /** The default interval, dcgm-exporter's default fields, JVM metrics on. */
  public static ExporterConfig defaults() {
    return from(ConfigValues.defaults());
  }

  /**
   * The configured exporter: its interval, and the counters file read now, so a bad file stops the
   * agent before it starts.
   */
  public static ExporterConfig from(ConfigValues values) {
    ExporterConfig config = withInterval(values.get(INTERVAL));
    Optional<Path> file = values.get(COUNTERS_FILE);
    if (file.isEmpty()) {
      return config;
    }
    if (!Files.isReadable(file.get())) {
      throw values.invalid(COUNTERS_FILE, "is a file that cannot be read");
    }
    try {
      return config.withCounters(CounterSet.load(file.get()));
    } catch (CountersFileException e) {
      throw new ConfigException("key '" + COUNTERS_FILE.path() + "': " + e.getMessage());
    }
  }

  /** The default fields, JVM metrics on, a device timeout of 80 % of the interval (at most 2 s). */
  public static ExporterConfig withInterval(Duration interval) {
    Duration timeout = interval.multipliedBy(4).dividedBy(5);
    if (timeout.compareTo(MAX_DEFAULT_DEVICE_TIMEOUT) > 0) {
      timeout = MAX_DEFAULT_DEVICE_TIMEOUT;
    }
    return new ExporterConfig(interval, timeout, CounterSet.builtIn(), true);
  }

  public ExporterConfig withCounters(CounterSet newCounters) {
    return new ExporterConfig(interval, deviceTimeout, newCounters, jvmMetrics);
  }

  public ExporterConfig withDeviceTimeout(Duration timeout) {
    return new ExporterConfig(interval, timeout, counters, jvmMetrics);
  }

  public ExporterConfig withJvmMetrics(boolean enabled) {
    return new ExporterConfig(interval, deviceTimeout, counters, enabled);
  }
}
