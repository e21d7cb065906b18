package io.gpuagent.exporter.exposition;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;

/**
 * The formats a scrape can ask for with its {@code Accept} header: OpenMetrics when it says {@code
 * application/openmetrics-text}, else Prometheus text 0.0.4 (what dcgm-exporter serves). Written by
 * client_java's writers; no protobuf, whose counters would lose dcgm-exporter's names.
 */
public enum ScrapeFormat {
  PROMETHEUS_TEXT(PrometheusTextFormatWriter.create()),
  OPENMETRICS(OpenMetricsTextFormatWriter.create());

  private final ExpositionFormatWriter writer;

  ScrapeFormat(ExpositionFormatWriter writer) {
    this.writer = writer;
  }

  ExpositionFormatWriter writer() {
    return writer;
  }

  public String contentType() {
    return writer.getContentType();
  }

  /** The format for an {@code Accept} header; null or empty means Prometheus text. */
  public static ScrapeFormat negotiate(String acceptHeader) {
    return acceptHeader != null && OPENMETRICS.writer.accepts(acceptHeader)
        ? OPENMETRICS
        : PROMETHEUS_TEXT;
  }
}
