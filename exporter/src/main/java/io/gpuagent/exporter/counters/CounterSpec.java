package io.gpuagent.exporter.counters;

import java.util.Objects;

/** One line of a counters file: which field, exposed how, with which help text. */
public record CounterSpec(DcgmField field, MetricType type, String help, int line) {
  public CounterSpec {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(help, "help");
  }
}
