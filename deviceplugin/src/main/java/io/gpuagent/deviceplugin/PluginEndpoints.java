package io.gpuagent.deviceplugin;

import io.gpuagent.deviceplugin.v1beta1.DevicePluginOptions;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
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
 *
 * <p>Servers bind in {@value #STANDBY_DIR}, a subdirectory that a starting kubelet leaves alone (it
 * deletes the files of the directory, not its directories), each at a name of its own, and their
 * socket file is then renamed to where the kubelet dials: Netty deletes the path a server bound
 * when the server closes, and that path is then never one in use. Each served resource also has a
 * standby server, started there while the kubelet is quiet: when a kubelet restart deletes a
 * socket, the standby's file is renamed into its place and registered at once, with no server to
 * build and bind while the kubelet waits. Paths too long for a Unix socket in the subdirectory are
 * bound where they are served, without a standby.
 */
final class PluginEndpoints {
  private static final Logger LOG = LoggerFactory.getLogger(PluginEndpoints.class);
  static final String STANDBY_DIR = ".gpu-agent-standby";

  private final Path pluginDir;
  private final DomainSockets sockets;
  private final KubeletRegistrar registrar;
  private final DevicePluginOptions options;
  private final ContainerAllocation allocation;
  private final KubeletActivity activity;
  private final Map<String, PluginEndpoint> byResource = new LinkedHashMap<>();
  private final Map<String, PluginEndpoint> standbys = new LinkedHashMap<>();
  private final List<PluginEndpoint> retired = new ArrayList<>();
  private long bindings;
  private boolean standbyDirUnusable;

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
        closeStandby(name);
      }
    }
    for (ResourceSnapshot snapshot : snapshots) {
      String name = snapshot.resource().name();
      PluginEndpoint endpoint = byResource.get(name);
      PluginEndpoint lost = null;
      if (endpoint != null && !endpoint.socketIntact()) {
        // DEBUG: the kubelet's restart is logged once, where it is seen
        LOG.atDebug()
            .setMessage("plugin-socket-lost")
            .addKeyValue("resource", name)
            .addKeyValue("socket", endpoint.socket())
            .log();
        lost = byResource.remove(name);
        lost.nextRegistrationCycle();
        endpoint = null;
      }
      if (endpoint == null) {
        Path path = socketPath(name);
        if (lost != null && lost.closeDeletes(path)) {
          lost.closeLost(); // before a new socket is at the path its close deletes
        } else if (lost != null) {
          // Stopping a server takes the loop thread the kubelet's calls need: once it is quiet.
          retired.add(lost);
        }
        endpoint = serve(name, snapshot, path, lost != null);
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

  /**
   * While the kubelet is quiet: stops the servers whose sockets a kubelet restart deleted, and
   * starts a standby server for each served resource that has none (a failure is logged and leaves
   * that resource to a fresh server on the next restart).
   */
  void tidyUp() {
    stopRetired();
    for (PluginEndpoint endpoint : byResource.values()) {
      String name = endpoint.resourceName();
      if (standbys.containsKey(name)) {
        continue;
      }
      Optional<Path> socket = bindingPath(name);
      PluginEndpoint standby = null;
      if (socket.isPresent()) {
        try {
          standby = bind(socket.get(), endpoint.snapshot());
        } catch (IOException | RuntimeException e) {
          LOG.atWarn()
              .setMessage("standby-not-started")
              .addKeyValue("resource", name)
              .addKeyValue("socket", socket.get())
              .addKeyValue("error", e.getMessage())
              .log();
        }
      }
      // null: none, and no new try every few hundred milliseconds; the next restart binds anew
      standbys.put(name, standby);
    }
  }

  /**
   * The server {@code name} is to be served by at {@code path}: its standby, else a new one.
   *
   * @param replacing a server of the same resource lost its socket (a kubelet restart)
   */
  private PluginEndpoint serve(String name, ResourceSnapshot snapshot, Path path, boolean replacing)
      throws IOException {
    PluginEndpoint standby = standbys.remove(name);
    if (standby != null) {
      try {
        standby.publish(snapshot);
        standby.moveTo(path);
        return standby;
      } catch (IOException | RuntimeException e) {
        LOG.atWarn()
            .setMessage("standby-not-used")
            .addKeyValue("resource", name)
            .addKeyValue("socket", standby.socket())
            .addKeyValue("error", e.getMessage())
            .log();
        standby.close();
      }
    }
    PluginEndpoint endpoint = bind(bindingPath(name).orElse(path), snapshot);
    try {
      endpoint.moveTo(path);
    } catch (IOException | RuntimeException e) {
      endpoint.close();
      throw e;
    }
    // Again after every kubelet restart: the restart's own line says so.
    (replacing ? LOG.atDebug() : LOG.atInfo())
        .setMessage("plugin-serving")
        .addKeyValue("resource", name)
        .addKeyValue("socket", path)
        .addKeyValue("devices", snapshot.devices().size())
        .log();
    return endpoint;
  }

  private PluginEndpoint bind(Path socket, ResourceSnapshot snapshot) throws IOException {
    return PluginEndpoint.bind(sockets, socket, options, allocation, snapshot, activity);
  }

  /**
   * A path in the standby directory no server of this agent has bound; empty when it would be too
   * long for a Unix socket or the directory cannot be made (said once).
   */
  private Optional<Path> bindingPath(String name) {
    String served = socketPath(name).getFileName().toString();
    String unique =
        served.substring(0, served.length() - ".sock".length())
            + "."
            + Long.toString(++bindings, 36)
            + ".sock";
    Path dir = pluginDir.resolve(STANDBY_DIR);
    Path path = dir.resolve(unique);
    if (!DomainSockets.shortEnough(path)) {
      return Optional.empty();
    }
    try {
      Files.createDirectories(dir);
      standbyDirUnusable = false;
      return Optional.of(path);
    } catch (IOException e) {
      if (!standbyDirUnusable) {
        standbyDirUnusable = true;
        LOG.atWarn()
            .setMessage("standby-dir-unusable")
            .addKeyValue("dir", dir)
            .addKeyValue("error", e.toString())
            .addKeyValue("effect", "servers bind where the kubelet dials; no standby servers")
            .log();
      }
      return Optional.empty();
    }
  }

  /** Stops the servers whose sockets a kubelet restart deleted (their paths are left alone). */
  private void stopRetired() {
    retired.forEach(PluginEndpoint::closeLost);
    retired.clear();
  }

  private void closeStandby(String name) {
    PluginEndpoint standby = standbys.remove(name);
    if (standby != null) {
      standby.close();
    }
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
    stopRetired();
    byResource.values().forEach(PluginEndpoints::stop);
    byResource.clear();
    List.copyOf(standbys.keySet()).forEach(this::closeStandby);
    try {
      Files.deleteIfExists(pluginDir.resolve(STANDBY_DIR));
    } catch (IOException e) {
      LOG.atDebug()
          .setMessage("standby-dir-not-removed")
          .addKeyValue("error", e.getMessage())
          .log();
    }
  }

  /** Removes sockets named like ours, left by an earlier run, standby sockets included. */
  static void removeStale(Path pluginDir) throws IOException {
    Path standbyDir = pluginDir.resolve(STANDBY_DIR);
    for (Path dir : List.of(pluginDir, standbyDir)) {
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      try (DirectoryStream<Path> stale =
          Files.newDirectoryStream(dir, DevicePluginService.SOCKET_PREFIX + "*.sock")) {
        for (Path socket : stale) {
          Files.deleteIfExists(socket);
          LOG.atInfo().setMessage("stale-socket-removed").addKeyValue("socket", socket).log();
        }
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
