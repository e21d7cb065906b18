package io.gpuagent.mig;

import io.gpuagent.mig.label.LayoutSelector;
import io.gpuagent.mig.label.SelectionOutcome;
import io.gpuagent.nvml.Nvml;
import io.gpuagent.nvml.NvmlException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one code path that lays out MIG, whoever chooses the layout: the agent config at start-up,
 * {@code PUT /api/v1/mig}, the CLI, the node label. One apply at a time; each plans every GPU from
 * what NVML reports now and applies GPU by GPU ({@link GpuApplier}), so only GPUs that change are
 * touched and one GPU's failure leaves the others as they end up. The MIG config-change events of
 * the apply make the agent's inventory rebuild re-advertise; nothing here rebuilds.
 */
public final class MigManager implements LayoutSelector {
  private static final Logger LOG = LoggerFactory.getLogger(MigManager.class);

  private final Nvml nvml;
  private final MigConfig config;
  private final Optional<MigConfigFile> file;
  private final MigPlanner planner;
  private final GpuApplier applier;
  private final Clock clock;

  private volatile Optional<String> selected;
  private volatile Optional<MigState> state = Optional.empty();
  private volatile Optional<String> lastError = Optional.empty();
  private volatile Optional<ApplyReport> lastApply = Optional.empty();

  /**
   * Reads {@code config}'s file and checks its selected layout exists.
   *
   * @throws MigConfigException for a malformed file or an unknown selected layout
   */
  public MigManager(Nvml nvml, MigConfig config, GpuDrain drain, GpuReset reset, Clock clock) {
    this.nvml = nvml;
    this.config = config;
    this.file = config.configFile().map(MigConfigFile::read);
    this.selected = config.selected();
    this.clock = clock;
    config.selected().ifPresent(name -> file.orElseThrow().layout(name));
    this.planner = new MigPlanner(nvml);
    this.applier = new GpuApplier(nvml, drain, reset, config.allowReset(), config.drainWait());
  }

  public MigConfig config() {
    return config;
  }

  public Optional<MigConfigFile> file() {
    return file;
  }

  /** What applying {@code layout} would do to each GPU; changes nothing. */
  public List<GpuPlan> plan(String layout) {
    return planner.plan(requireFile(), layout);
  }

  /** Applies the layout of {@code mig.selected}, if one is configured (at start-up). */
  public Optional<ApplyReport> applySelected() {
    return config.selected().map(this::apply);
  }

  /**
   * Applies {@code layout} to every GPU and returns once done; the report says what each GPU did.
   * Blocking (drains wait up to {@code mig.drainWait}); one apply at a time.
   *
   * @throws MigConfigException when no file is configured or it has no such layout
   */
  public synchronized ApplyReport apply(String layout) {
    MigConfigFile source = requireFile();
    source.layout(layout);
    long start = System.nanoTime();
    selected = Optional.of(layout);
    state = Optional.of(MigState.PENDING);
    LOG.atInfo().setMessage("mig-apply-started").addKeyValue("layout", layout).log();
    List<GpuOutcome> outcomes = new ArrayList<>();
    try {
      for (GpuPlan plan : planner.plan(source, layout)) {
        GpuOutcome outcome = applier.apply(plan);
        outcomes.add(outcome);
        log(layout, outcome);
      }
    } catch (NvmlException e) {
      // the node itself could not be read: the GPUs not reached yet are not in the report
      lastError = Optional.of(e.getMessage());
      state = Optional.of(MigState.FAILED);
      throw e;
    }
    ApplyReport report =
        new ApplyReport(
            layout, outcomes, Duration.ofNanos(System.nanoTime() - start), clock.instant());
    lastApply = Optional.of(report);
    state = Optional.of(report.state());
    lastError = report.success() ? Optional.empty() : Optional.of(report.reason());
    LOG.atInfo()
        .setMessage("mig-apply-finished")
        .addKeyValue("layout", layout)
        .addKeyValue("state", report.state().word())
        .addKeyValue("tookMs", report.took().toMillis())
        .log();
    return report;
  }

  /**
   * Applies {@code layout} and answers success and reason instead of throwing for a user or
   * hardware problem: what the node-label sync's layout selector needs.
   */
  @Override
  public SelectionOutcome select(String layout) {
    try {
      ApplyReport report = apply(layout);
      return new SelectionOutcome(report.success(), report.reason());
    } catch (MigConfigException | NvmlException e) {
      if (e instanceof MigConfigException) {
        lastError = Optional.of(e.getMessage());
      }
      return new SelectionOutcome(false, e.getMessage());
    }
  }

  /** The selected layout, its state, each GPU's layout now and the last apply. */
  public MigStatus status() {
    List<GpuLayout> gpus = new ArrayList<>();
    for (var gpu : nvml.devices()) {
      try {
        gpus.add(GpuLayout.read(gpu));
      } catch (NvmlException e) {
        gpus.add(GpuLayout.unreadable(gpu));
      }
    }
    return new MigStatus(
        config.configFile().map(Object::toString), selected, state, lastError, lastApply, gpus);
  }

  /** The state without reading NVML (for metrics). */
  public Optional<MigState> state() {
    return state;
  }

  public Optional<String> selected() {
    return selected;
  }

  public Optional<ApplyReport> lastApply() {
    return lastApply;
  }

  private MigConfigFile requireFile() {
    return file.orElseThrow(
        () ->
            new MigConfigException("no MIG config file: set mig.configFile to a mig-parted file"));
  }

  private static void log(String layout, GpuOutcome outcome) {
    var event = outcome.outcome().success() ? LOG.atInfo() : LOG.atWarn();
    event
        .setMessage("mig-gpu-" + outcome.outcome().word())
        .addKeyValue("layout", layout)
        .addKeyValue("gpu", outcome.index())
        .addKeyValue("uuid", outcome.uuid())
        .addKeyValue("reason", outcome.reason())
        .log();
  }
}
