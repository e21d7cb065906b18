package io.gpuagent.agent;

import io.gpuagent.deviceplugin.DevicePluginService;
import io.gpuagent.mig.GpuDrain;
import io.gpuagent.podresources.ContainerRef;
import io.gpuagent.podresources.PodResourcesWatcher;
import java.util.List;
import java.util.Optional;

/**
 * The MIG manager's drain on this node: the device plugin withdraws the GPU's devices, and the
 * kubelet's podresources API says which pods still hold them.
 */
final class MigDrain implements GpuDrain {
  private final Optional<DevicePluginService> plugin;
  private final Optional<PodResourcesWatcher> pods;

  MigDrain(Optional<DevicePluginService> plugin, Optional<PodResourcesWatcher> pods) {
    this.plugin = plugin;
    this.pods = pods;
  }

  @Override
  public void withdraw(String gpuUuid) {
    plugin.ifPresent(p -> p.withdraw(gpuUuid));
  }

  @Override
  public List<String> holders(List<String> deviceUuids) {
    return pods.map(
            watcher ->
                deviceUuids.stream()
                    .flatMap(uuid -> watcher.current().holders(uuid).stream())
                    .map(MigDrain::name)
                    .distinct()
                    .toList())
        .orElse(List.of());
  }

  @Override
  public void restore(String gpuUuid) {
    plugin.ifPresent(p -> p.restore(gpuUuid));
  }

  private static String name(ContainerRef container) {
    return container.namespace() + "/" + container.pod();
  }
}
