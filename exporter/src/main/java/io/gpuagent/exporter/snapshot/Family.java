package io.gpuagent.exporter.snapshot;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The series of one metric while a snapshot is built. A label set seen twice keeps its first value
 * (two MIG compute instances of one GPU instance share its memory readings), so building the
 * client_java snapshot never fails on a duplicate.
 */
final class Family {
  private final String name;
  private final String help;
  private final Map<Labels, Double> series = new LinkedHashMap<>();

  Family(String name, String help) {
    this.name = name;
    this.help = help;
  }

  void add(Labels labels, double value) {
    series.putIfAbsent(labels, value);
  }

  boolean isEmpty() {
    return series.isEmpty();
  }

  MetricSnapshot gauge() {
    GaugeSnapshot.Builder builder = GaugeSnapshot.builder().name(name).help(help);
    series.forEach(
        (labels, value) ->
            builder.dataPoint(
                GaugeSnapshot.GaugeDataPointSnapshot.builder()
                    .labels(labels)
                    .value(value)
                    .build()));
    return builder.build();
  }

  /** Named without {@code _total}: the writers add it. */
  MetricSnapshot counter() {
    CounterSnapshot.Builder builder = CounterSnapshot.builder().name(name).help(help);
    series.forEach(
        (labels, value) ->
            builder.dataPoint(
                CounterSnapshot.CounterDataPointSnapshot.builder()
                    .labels(labels)
                    .value(value)
                    .build()));
    return builder.build();
  }

  /** An info metric (value 1), named without {@code _info}: the writers add it. */
  MetricSnapshot info() {
    InfoSnapshot.Builder builder = InfoSnapshot.builder().name(name).help(help);
    series
        .keySet()
        .forEach(
            labels ->
                builder.dataPoint(
                    InfoSnapshot.InfoDataPointSnapshot.builder().labels(labels).build()));
    return builder.build();
  }

  /** A series whose name must stay exactly as given (no suffix), e.g. a DCGM counter. */
  MetricSnapshot unknown() {
    UnknownSnapshot.Builder builder = UnknownSnapshot.builder().name(name).help(help);
    series.forEach(
        (labels, value) ->
            builder.dataPoint(
                UnknownSnapshot.UnknownDataPointSnapshot.builder()
                    .labels(labels)
                    .value(value)
                    .build()));
    return builder.build();
  }
}
