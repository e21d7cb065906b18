package io.gpuagent.exporter;

import io.gpuagent.exporter.counters.CounterSet;
import java.time.Duration;
import java.util.Objects;

/**
 * How the exporter samples: every {@code interval} (config {@code metrics.interval}), giving each
 * GPU {@code deviceTimeout} to answer before its series are left out of that sample; which DCGM
 * fields ({@code counters}); and whether JVM metrics are included.
 */
public record ExporterConfig(
    Duration interval, Duration deviceTimeout, CounterSet counters, boolean jvmMetrics) {
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
  public static final Duration MIN_INTERVAL = Duration.ofMillis(100);

  /** A device that has not answered in this long is late on any node. */
  private static final Duration MAX_DEFAULT_DEVICE_TIMEOUT = Duration.ofSeconds(2);

  public ExporterConfig {
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(deviceTimeout, "deviceTimeout");
    Objects.requireNonNull(counters, "counters");
    if (interval.compareTo(MIN_INTERVAL) < 0) {
      throw new IllegalArgumentException(
          "metrics.interval must be at least " + MIN_INTERVAL.toMillis() + "ms, got " + interval);
    }
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

  /** Every 5 s, dcgm-exporter's default fields, JVM metrics on. */
  public static ExporterConfig defaults() {
    return withInterval(DEFAULT_INTERVAL);
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
