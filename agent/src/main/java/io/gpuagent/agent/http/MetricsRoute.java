package io.gpuagent.agent.http;

import io.gpuagent.exporter.MetricsExporter;
import io.gpuagent.exporter.RenderedMetrics;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;

/**
 * {@code GET /metrics}: the exporter's latest rendering, negotiated by {@code Accept} (Prometheus
 * text or OpenMetrics); gzip comes from the server when the scraper asks. Never calls NVML, so it
 * runs on the event loop.
 */
public final class MetricsRoute {
  private MetricsRoute() {}

  public static void addTo(Router router, MetricsExporter exporter) {
    HttpApi.get(router, "/metrics")
        .handler(
            ctx -> {
              RenderedMetrics metrics = exporter.render(ctx.request().getHeader("Accept"));
              ctx.response()
                  .putHeader("content-type", metrics.contentType())
                  .end(Buffer.buffer(metrics.body()));
            });
  }
}
