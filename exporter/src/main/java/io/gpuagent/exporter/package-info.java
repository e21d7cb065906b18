/**
 * DCGM-compatible GPU metrics from NVML: {@link io.gpuagent.exporter.MetricsExporter} samples off
 * the scrape path and renders immutable snapshots; see exporter/README.md for the metrics.
 */
package io.gpuagent.exporter;
