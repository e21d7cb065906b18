package io.gpuagent.agent;

import io.gpuagent.deviceplugin.DevicePluginService;
import io.gpuagent.deviceplugin.DevicePluginStatus;
import io.gpuagent.deviceplugin.sharing.MpsDaemonStatus;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The device plugin's state as metrics, read from its status view once per sample: whether each
 * resource is registered with the kubelet, its devices by health, and how many problems kept
 * something from being advertised (e.g. a node that breaks the {@code single} MIG strategy).
 */
final class DevicePluginMetrics {
  private DevicePluginMetrics() {}

  static void register(PrometheusRegistry registry, DevicePluginService plugin) {
    GaugeWithCallback.builder()
        .name("gpu_agent_device_plugin_registered")
        .help("1 when the kubelet accepted this resource's registration, else 0.")
        .labelNames("resource")
        .callback(
            callback -> {
              for (DevicePluginStatus.ResourceStatus resource : plugin.status().resources()) {
                callback.call(resource.registered() ? 1 : 0, resource.resourceName());
              }
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("gpu_agent_device_plugin_devices")
        .help("Devices advertised to the kubelet, by resource and health.")
        .labelNames("resource", "health")
        .callback(
            callback -> {
              for (DevicePluginStatus.ResourceStatus resource : plugin.status().resources()) {
                long healthy =
                    resource.devices().stream().filter(d -> d.health().isHealthy()).count();
                callback.call(healthy, resource.resourceName(), "Healthy");
                callback.call(
                    resource.devices().size() - healthy, resource.resourceName(), "Unhealthy");
              }
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("gpu_agent_device_plugin_problems")
        .help(
            "Problems that kept the device plugin from advertising something (see the log and"
                + " /api/v1/devices), e.g. a node that breaks the single MIG strategy.")
        .callback(callback -> callback.call(plugin.problems().size()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("gpu_agent_mps_daemon_up")
        .help(
            "1 while the MPS control daemon the agent runs for this shared GPU (enforcement: mps)"
                + " answers, else 0 (starting, down awaiting restart, stopped).")
        .labelNames("uuid", "state")
        .callback(
            callback -> {
              for (MpsDaemonStatus daemon : plugin.mpsDaemons()) {
                callback.call(
                    daemon.state() == MpsDaemonStatus.State.UP ? 1 : 0,
                    daemon.uuid(),
                    daemon.state().word());
              }
            })
        .register(registry);
    CounterWithCallback.builder()
        .name("gpu_agent_mps_daemon_restarts")
        .help("Restarts of the MPS control daemon of this shared GPU after it stopped answering.")
        .labelNames("uuid")
        .callback(
            callback -> {
              for (MpsDaemonStatus daemon : plugin.mpsDaemons()) {
                callback.call(daemon.restarts(), daemon.uuid());
              }
            })
        .register(registry);
  }
}
