package io.gpuagent.agent;

import io.gpuagent.mig.ApplyReport;
import io.gpuagent.mig.GpuOutcome;
import io.gpuagent.mig.MigManager;
import io.gpuagent.mig.MigState;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Optional;

/**
 * The MIG manager's state as metrics, read from it once per sample (no NVML call): the selected
 * layout's state as NVIDIA's mig-manager names it, how long the last apply took, and each GPU's
 * outcome in it.
 */
final class MigMetrics {
  private MigMetrics() {}

  static void register(PrometheusRegistry registry, MigManager mig) {
    GaugeWithCallback.builder()
        .name("gpu_agent_mig_config_state")
        .help(
            "1 for the state the selected MIG layout is in (pending, success, pending-reset,"
                + " failed), 0 for the others.")
        .labelNames("config", "state")
        .callback(
            callback -> {
              Optional<MigState> state = mig.state();
              if (mig.selected().isEmpty() || state.isEmpty()) {
                return;
              }
              for (MigState each : MigState.values()) {
                callback.call(each == state.get() ? 1 : 0, mig.selected().get(), each.word());
              }
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("gpu_agent_mig_apply_duration_seconds")
        .help("How long the last MIG layout apply took, drain waits included.")
        .labelNames("config")
        .callback(
            callback ->
                mig.lastApply()
                    .ifPresent(
                        report -> callback.call(report.took().toNanos() / 1e9, report.layout())))
        .register(registry);
    GaugeWithCallback.builder()
        .name("gpu_agent_mig_gpu_outcome")
        .help(
            "1 for what the last MIG layout apply did to each GPU: kept, unchanged, applied,"
                + " pending-reset, refused, failed.")
        .labelNames("config", "gpu", "UUID", "outcome")
        .callback(
            callback -> {
              Optional<ApplyReport> last = mig.lastApply();
              if (last.isEmpty()) {
                return;
              }
              for (GpuOutcome gpu : last.get().gpus()) {
                callback.call(
                    1,
                    last.get().layout(),
                    String.valueOf(gpu.index()),
                    gpu.uuid(),
                    gpu.outcome().word());
              }
            })
        .register(registry);
  }
}
