package io.gpuagent.exporter.exposition;

import io.gpuagent.exporter.RenderedMetrics;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One sample's metrics, immutable, with each format rendered at most once: the first scrape in a
 * format writes it, every later scrape of the same sample gets the same bytes. Many scrapers cost a
 * lookup, not a rendering each.
 */
public final class ExpositionSnapshot {
  public static final ExpositionSnapshot EMPTY =
      new ExpositionSnapshot(MetricSnapshots.of(), Set.of());

  private static final byte[] UNTYPED = "untyped".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] COUNTER = "counter".getBytes(StandardCharsets.US_ASCII);

  private final MetricSnapshots metrics;
  private final Set<String> dcgmCounterNames;
  private final AtomicReferenceArray<RenderedMetrics> rendered =
      new AtomicReferenceArray<>(ScrapeFormat.values().length);

  /**
   * @param dcgmCounterNames DCGM counters built as unknown-typed series so client_java keeps their
   *     names without {@code _total}; the Prometheus text gets their {@code counter} type back
   */
  public ExpositionSnapshot(MetricSnapshots metrics, Set<String> dcgmCounterNames) {
    this.metrics = metrics;
    this.dcgmCounterNames = Set.copyOf(dcgmCounterNames);
  }

  public MetricSnapshots metrics() {
    return metrics;
  }

  public RenderedMetrics render(ScrapeFormat format) {
    RenderedMetrics cached = rendered.get(format.ordinal());
    if (cached != null) {
      return cached;
    }
    // Two first scrapes racing may both render; the bytes are equal and one is kept.
    RenderedMetrics fresh = new RenderedMetrics(format.contentType(), write(format));
    return rendered.compareAndExchange(format.ordinal(), null, fresh) == null
        ? fresh
        : rendered.get(format.ordinal());
  }

  private byte[] write(ScrapeFormat format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
    try {
      format.writer().write(out, metrics, EscapingScheme.UNDERSCORE_ESCAPING);
    } catch (IOException e) {
      throw new UncheckedIOException("rendering to memory failed", e);
    }
    byte[] bytes = out.toByteArray();
    if (format == ScrapeFormat.PROMETHEUS_TEXT) {
      restoreCounterTypes(bytes);
    }
    return bytes;
  }

  /**
   * OpenMetrics has no counter without {@code _total}, so there DCGM counters stay "unknown"; the
   * 0.0.4 text allows it, and dcgm-exporter writes "counter". Both words have 7 letters, so the
   * type line is fixed in place.
   */
  private void restoreCounterTypes(byte[] text) {
    // Latin-1 maps each byte to one char, so string offsets are byte offsets.
    String view = new String(text, StandardCharsets.ISO_8859_1);
    for (String name : dcgmCounterNames) {
      String untyped = "\n# TYPE " + name + " untyped\n";
      int at = view.indexOf(untyped);
      if (at >= 0) {
        int word = at + untyped.length() - UNTYPED.length - 1;
        System.arraycopy(COUNTER, 0, text, word, COUNTER.length);
      }
    }
  }
}
