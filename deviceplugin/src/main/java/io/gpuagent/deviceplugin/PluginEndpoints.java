package io.gpuagent.deviceplugin;

import io.gpuagent.deviceplugin.v1beta1.DevicePluginOptions;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running servers, one per resource, brought in line with a plan: servers of unchanged
 * resources are kept and get the new snapshot, new resources and lost sockets get a new server,
 * vanished resources are stopped. Used on the lifecycle thread only.
 */
final class PluginEndpoints {
  private static final Logger LOG = LoggerFactory.getLogger(PluginEndpoints.class);

  private final Path pluginDir;
  private final DomainSockets sockets;
  private final KubeletRegistrar registrar;
  private final DevicePluginOptions options;
  private final ContainerAllocation allocation;
  private final KubeletActivity activity;
  private final Map<String, PluginEndpoint> byResource = new LinkedHashMap<>();

  PluginEndpoints(
      Path pluginDir,
      DomainSockets sockets,
      KubeletRegistrar registrar,
      DevicePluginOptions options,
      ContainerAllocation allocation,
      KubeletActivity activity) {
    this.pluginDir = pluginDir;
    this.sockets = sockets;
    this.registrar = registrar;
    this.options = options;
    this.allocation = allocation;
    this.activity = activity;
  }

  /**
   * Serves exactly the resources of {@code snapshots} and registers every server that {@code
   * kubelet} does not know yet.
   *
   * @throws IOException when a socket cannot be bound; the servers started so far keep running
   */
  void reconcile(List<ResourceSnapshot> snapshots, Optional<SocketFileId> kubelet)
      throws IOException {
    List<String> names = snapshots.stream().map(s -> s.resource().name()).toList();
    for (String name : List.copyOf(byResource.keySet())) {
      if (!names.contains(name)) {
        LOG.atInfo().setMessage("resource-withdrawn").addKeyValue("resource", name).log();
        PluginEndpoint withdrawn = byResource.remove(name);
        // An empty list first: the kubelet drops the devices at once instead of keeping them
        // (unhealthy) for its grace period after the stream ends.
        withdrawn.withdrawDevices();
        stop(withdrawn);
      }
    }
    for (ResourceSnapshot snapshot : snapshots) {
      String name = snapshot.resource().name();
      PluginEndpoint endpoint = byResource.get(name);
      boolean replacing = false;
      if (endpoint != null && !endpoint.socketIntact()) {
        replacing = true;
        // DEBUG: the kubelet's restart is logged once, where it is seen
        LOG.atDebug()
            .setMessage("plugin-socket-lost")
            .addKeyValue("resource", name)
            .addKeyValue("socket", endpoint.socket())
            .log();
        stop(byResource.remove(name));
        endpoint = null;
      }
      if (endpoint == null) {
        endpoint =
            PluginEndpoint.start(
                sockets, socketPath(name), options, allocation, snapshot, activity, replacing);
        byResource.put(name, endpoint);
        registrar.register(endpoint);
      } else {
        endpoint.publish(snapshot);
        if (!endpoint.registeredOrRegisteringWith(kubelet)) {
          registrar.register(endpoint);
        }
      }
    }
  }

  /**
   * After a kubelet restart: {@link #reconcile} with the snapshots being served, so each endpoint
   * whose socket is gone is started again with its own and registers.
   */
  void serveAgain(Optional<SocketFileId> kubelet) throws IOException {
    reconcile(byResource.values().stream().map(PluginEndpoint::snapshot).toList(), kubelet);
  }

  /** Swaps in a refreshed snapshot everywhere (a health change); streams get changed lists. */
  void refresh(UnaryOperator<ResourceSnapshot> refreshed) {
    byResource.values().forEach(endpoint -> endpoint.publish(refreshed.apply(endpoint.snapshot())));
  }

  /** kubelet.sock changed: registrations with the kubelet that was there are void. */
  void kubeletChanged(Optional<SocketFileId> kubelet) {
    for (PluginEndpoint endpoint : byResource.values()) {
      if (!endpoint.registration().registeredWith(kubelet)) {
        endpoint.registration(endpoint.registration().withKubeletGone());
      }
    }
  }

  boolean anySocketLost() {
    return byResource.values().stream().anyMatch(endpoint -> !endpoint.socketIntact());
  }

  List<PluginEndpoint> view() {
    return List.copyOf(byResource.values());
  }

  void closeAll() {
    byResource.values().forEach(PluginEndpoints::stop);
    byResource.clear();
  }

  /** Removes sockets named like ours, left by an earlier run. */
  static void removeStale(Path pluginDir) throws IOException {
    try (DirectoryStream<Path> stale =
        Files.newDirectoryStream(pluginDir, DevicePluginService.SOCKET_PREFIX + "*.sock")) {
      for (Path socket : stale) {
        Files.deleteIfExists(socket);
        LOG.atInfo().setMessage("stale-socket-removed").addKeyValue("socket", socket).log();
      }
    }
  }

  /** {@code gpu-agent-nvidia.com-mig-1g.10gb.sock} for {@code nvidia.com/mig-1g.10gb}. */
  private Path socketPath(String resourceName) {
    return pluginDir.resolve(
        DevicePluginService.SOCKET_PREFIX + resourceName.replace('/', '-') + ".sock");
  }

  private static void stop(PluginEndpoint endpoint) {
    endpoint.nextRegistrationCycle();
    endpoint.close();
  }
}
