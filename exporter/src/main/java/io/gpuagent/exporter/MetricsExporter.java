package io.gpuagent.exporter;

import io.gpuagent.exporter.events.XidRecorder;
import io.gpuagent.exporter.exposition.ExpositionSnapshot;
import io.gpuagent.exporter.exposition.ScrapeFormat;
import io.gpuagent.exporter.sampling.NodeSample;
import io.gpuagent.exporter.sampling.Sampler;
import io.gpuagent.exporter.snapshot.SnapshotBuilder;
import io.gpuagent.nvml.EventData;
import io.gpuagent.nvml.Nvml;
import io.gpuagent.nvml.health.HealthState;
import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.podresources.PodAssignmentSource;
import io.gpuagent.podresources.PodAssignments;
import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DCGM-compatible GPU metrics, straight from NVML. A named sampler thread reads every GPU at a
 * fixed interval into an immutable snapshot and swaps one reference; {@link #render} (the {@code
 * GET /metrics} handler) answers from the latest snapshot and never calls NVML, so scrapers cost a
 * lookup however many there are.
 *
 * <p>Wiring: construct, {@code start()}, route {@code render(acceptHeader)} to {@code /metrics},
 * feed NVML events with {@code eventPump.addListener(exporter::onNvmlEvent)}, {@code close()} at
 * shutdown.
 */
public final class MetricsExporter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsExporter.class);

  private final ExporterConfig config;
  private final Supplier<Inventory> inventory;
  private final PodAssignmentSource pods;
  private final DeviceHealthSource health;
  private final LongSupplier podResourcesFailures;
  private final SharingAccountingSource sharing;
  private final Sampler sampler;
  private final SnapshotBuilder snapshots;
  private final XidRecorder xids = new XidRecorder();
  private final AtomicReference<ExpositionSnapshot> latest =
      new AtomicReference<>(ExpositionSnapshot.EMPTY);
  private final ScheduledExecutorService schedule;
  private final Object sampling = new Object();

  // guarded by sampling
  private boolean jvmMetricsRegistered;
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final AtomicBoolean started = new AtomicBoolean();

  /**
   * @param inventory the agent's current inventory, read each sample; null before the first one (no
   *     sample is taken then)
   * @param podResourcesFailures failed podresources calls so far, for a self-metric
   * @param hostname the {@code Hostname} label, the node's name
   * @param clock timestamps and rates; a manual clock makes samples reproducible
   */
  public MetricsExporter(
      ExporterConfig config,
      Nvml nvml,
      Supplier<Inventory> inventory,
      PodAssignmentSource pods,
      DeviceHealthSource health,
      LongSupplier podResourcesFailures,
      String hostname,
      Clock clock) {
    this(
        config,
        nvml,
        inventory,
        pods,
        health,
        SharingAccountingSource.NONE,
        podResourcesFailures,
        hostname,
        clock);
  }

  /**
   * @param sharing per-pod use of shared GPUs (the quota monitor's), read each sample
   */
  public MetricsExporter(
      ExporterConfig config,
      Nvml nvml,
      Supplier<Inventory> inventory,
      PodAssignmentSource pods,
      DeviceHealthSource health,
      SharingAccountingSource sharing,
      LongSupplier podResourcesFailures,
      String hostname,
      Clock clock) {
    this.config = Objects.requireNonNull(config, "config");
    this.sharing = Objects.requireNonNull(sharing, "sharing");
    this.pods = Objects.requireNonNull(pods, "pods");
    this.health = Objects.requireNonNull(health, "health");
    this.podResourcesFailures =
        Objects.requireNonNull(podResourcesFailures, "podResourcesFailures");
    this.inventory = Objects.requireNonNull(inventory, "inventory");
    this.sampler = new Sampler(nvml, config.counters().fields(), config.deviceTimeout(), clock);
    this.snapshots = new SnapshotBuilder(config.counters(), hostname, Optional.of(registry));
    this.schedule =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "gpu-agent-exporter-sampler");
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Collectors registered here (e.g. the agent's own state) are read once per sample, on the
   * sampler thread, and rendered with the GPU metrics. They must not block.
   */
  public PrometheusRegistry registry() {
    return registry;
  }

  /** Samples now and then every interval, on the sampler thread. Once only. */
  public void start() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("the exporter is already started");
    }
    long intervalNanos = config.interval().toNanos();
    schedule.scheduleAtFixedRate(this::sampleOnSchedule, 0, intervalNanos, TimeUnit.NANOSECONDS);
    LOG.atInfo()
        .setMessage("exporter-started")
        .addKeyValue("intervalMs", config.interval().toMillis())
        .addKeyValue("deviceTimeoutMs", config.deviceTimeout().toMillis())
        .addKeyValue("counters", config.counters().source())
        .addKeyValue("fields", config.counters().specs().size())
        .log();
  }

  /**
   * The JVM's own metrics ({@code jvm_*}, {@code process_*}): the client library's set without its
   * native-memory gauges, which report only under {@code -XX:NativeMemoryTracking} and would load
   * the platform MBean server, the diagnostic commands and JFR's management classes for nothing
   * (~420 classes, ~3 MiB of class metadata for the life of the process), and without the per-pool
   * allocation counter ({@code jvm_memory_pool_allocated_bytes_total}): it listens to every garbage
   * collection, and the JVM builds the listener a JMX description of each one (composite data of
   * the pools before and after) — with the launcher's small young generation, twice a second.
   * {@code jvm_gc_collection_seconds} and the pools' used bytes stay.
   */
  private static void registerJvmMetrics(PrometheusRegistry registry) {
    PrometheusProperties properties = PrometheusProperties.builder().build();
    JvmThreadsMetrics.builder(properties).register(registry);
    JvmBufferPoolMetrics.builder(properties).register(registry);
    JvmClassLoadingMetrics.builder(properties).register(registry);
    JvmCompilationMetrics.builder(properties).register(registry);
    JvmGarbageCollectorMetrics.builder(properties).register(registry);
    JvmMemoryMetrics.builder(properties).register(registry);
    JvmRuntimeInfoMetric.builder(properties).register(registry);
    ProcessMetrics.builder(properties).register(registry);
  }

  /** Takes one sample on the caller's thread and publishes it (tests, benchmarks, a rebuild). */
  public void sampleNow() {
    // One sample at a time: the builder keeps totals, and an older sample must not win the swap.
    synchronized (sampling) {
      if (config.jvmMetrics() && !jvmMetricsRegistered) {
        // With the first sample (on the sampler thread once started), not when the exporter is
        // built: the JVM's management beans take tens of milliseconds to set up, which the agent's
        // start need not wait for.
        registerJvmMetrics(registry);
        jvmMetricsRegistered = true;
      }
      Inventory current = inventory.get();
      if (current == null) {
        return; // no inventory yet: nothing to sample
      }
      NodeSample sample = sampler.sampleOnce(current);
      PodAssignments assignments = pods.current();
      Map<String, HealthState> healthNow = health.current();
      latest.set(
          snapshots.build(
              sample,
              assignments,
              sharing.current(),
              healthNow,
              xids.snapshot(),
              sampler.errors().snapshot(),
              podResourcesFailures.getAsLong()));
    }
  }

  /**
   * The latest sample in the format the {@code Accept} header asks for (OpenMetrics or Prometheus
   * text 0.0.4); null means Prometheus text. Never calls NVML.
   */
  public RenderedMetrics render(String acceptHeader) {
    return latest.get().render(ScrapeFormat.negotiate(acceptHeader));
  }

  /** For the NVML event pump: XIDs feed {@code DCGM_FI_DEV_XID_ERRORS} and the XID counters. */
  public void onNvmlEvent(EventData event) {
    xids.onEvent(event);
  }

  /** Stops sampling; a call stuck in NVML is abandoned. Idempotent. */
  @Override
  public void close() {
    schedule.shutdownNow();
    try {
      if (!schedule.awaitTermination(
          config.deviceTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS)) {
        LOG.atWarn().setMessage("exporter-sampler-still-running").log();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sampler.close();
  }

  private void sampleOnSchedule() {
    try {
      sampleNow();
    } catch (RuntimeException e) {
      // An exception would cancel the schedule: log it and keep the previous snapshot.
      LOG.atError().setMessage("sample-failed").setCause(e).log();
    }
  }
}
