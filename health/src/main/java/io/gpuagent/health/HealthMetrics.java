package io.gpuagent.health;

import io.gpuagent.health.probe.ProbeKind;
import io.gpuagent.health.probe.ProbeResult;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The health module's own metrics, read from {@link HealthService#current()} and {@link
 * HealthService#counters()} at each scrape (no locks, no NVML). Device series carry the device's
 * own UUID, a GPU's or a MIG device's, as {@code UUID}.
 */
public final class HealthMetrics {
  private HealthMetrics() {}

  public static void register(PrometheusRegistry registry, HealthService health) {
    CounterWithCallback.builder()
        .name("gpu_agent_health_transitions")
        .help(
            "Health transitions of devices by reason and direction (to=unhealthy: the new reason;"
                + " to=healthy: the reason recovered from).")
        .labelNames("reason", "to")
        .callback(
            callback -> {
              for (HealthCounters.TransitionCount count : health.counters().transitions()) {
                callback.call(count.count(), count.reason().label(), count.to());
              }
            })
        .register(registry);
    CounterWithCallback.builder()
        .name("gpu_agent_xid_ignored")
        .help("XIDs on the ignore list (application errors): counted, not acted on.")
        .callback(callback -> callback.call(health.counters().xidsIgnored()))
        .register(registry);
    CounterWithCallback.builder()
        .name("gpu_agent_ecc_double_bit_events")
        .help(
            "Double-bit ECC events: counted, not acted on (the XID and the uncorrected counters"
                + " decide).")
        .callback(callback -> callback.call(health.counters().doubleBitEccEvents()))
        .register(registry);
    CounterWithCallback.builder()
        .name("gpu_agent_probe_errors")
        .help(
            "Probes of each device that could not judge it (the child died without a result, its"
                + " JVM did not start, CUDA reported the environment); health is unchanged.")
        .labelNames("UUID")
        .callback(
            callback -> {
              for (DeviceHealthView device : health.current().values()) {
                if (device.probeErrors() > 0) {
                  callback.call(device.probeErrors(), device.uuid());
                }
              }
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("gpu_agent_probe_duration_seconds")
        .help("How long the latest probe of each kind ran on each device.")
        .labelNames("UUID", "kind")
        .callback(
            callback -> {
              for (DeviceHealthView device : health.current().values()) {
                Map<ProbeKind, ProbeRun> latest = new EnumMap<>(ProbeKind.class);
                device.probes().forEach(run -> latest.put(run.kind(), run));
                latest.forEach(
                    (kind, run) ->
                        callback.call(
                            run.result().duration().toNanos() / 1e9, device.uuid(), kind.word()));
              }
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("gpu_agent_probe_result")
        .help(
            "1 for the outcome of the latest probe of each device (passed, failed, hung,"
                + " unavailable, error), 0 for the others.")
        .labelNames("UUID", "result")
        .callback(
            callback -> {
              for (DeviceHealthView device : health.current().values()) {
                device
                    .lastProbe()
                    .ifPresent(
                        run -> {
                          for (ProbeResult.Outcome outcome : ProbeResult.Outcome.values()) {
                            callback.call(
                                outcome == run.result().outcome() ? 1 : 0,
                                device.uuid(),
                                outcome.name().toLowerCase(Locale.ROOT));
                          }
                        });
              }
            })
        .register(registry);
  }
}
