package io.gpuagent.exporter.counters;

import java.util.Locale;
import java.util.Optional;

/** The second column of a counters file: how a DCGM field is exposed. */
public enum MetricType {
  GAUGE,
  COUNTER,
  /** Not a series of its own: the value becomes a label on the device's other series. */
  LABEL;

  /** {@code gauge}, {@code counter} or {@code label}, as counters files spell them. */
  public String csvName() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Optional<MetricType> fromCsv(String text) {
    for (MetricType type : values()) {
      if (type.csvName().equals(text)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }
}
