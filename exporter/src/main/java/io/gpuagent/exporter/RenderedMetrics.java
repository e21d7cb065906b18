package io.gpuagent.exporter;

/**
 * One scrape's answer: the {@code Content-Type} header and the body. The body is shared by every
 * scrape of the same sample and format: send it, never modify it.
 */
public record RenderedMetrics(String contentType, byte[] body) {}
