package io.gpuagent.deviceplugin;

import io.gpuagent.deviceplugin.v1beta1.DevicePluginOptions;
import io.gpuagent.deviceplugin.v1beta1.ListAndWatchResponse;
import io.gpuagent.deviceplugin.v1beta1.RegisterRequest;
import io.grpc.Server;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One resource's gRPC server on its own socket, the snapshot it answers from, its ListAndWatch
 * streams and its registration state. The socket is given up when the file is deleted under it (the
 * kubelet does that when it starts): a rebuild then starts a new endpoint.
 */
final class PluginEndpoint implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PluginEndpoint.class);
  static final String API_VERSION = "v1beta1";

  private final String resourceName;
  private final Path boundAt;
  private volatile Path socket;
  private final DevicePluginOptions options;
  private final ListAndWatchStreams streams;
  private final Server server;
  private final SocketFileId socketId;
  private volatile ResourceSnapshot snapshot;
  private volatile RegistrationState registration = RegistrationState.NOT_YET;
  private int registrationCycle;
  private Optional<SocketFileId> attemptInFlight = Optional.empty();

  private PluginEndpoint(
      DomainSockets sockets,
      Path socket,
      DevicePluginOptions options,
      ContainerAllocation allocation,
      ResourceSnapshot initial,
      KubeletActivity activity)
      throws IOException {
    this.resourceName = initial.resource().name();
    this.boundAt = socket;
    this.socket = socket;
    this.options = options;
    this.snapshot = initial;
    this.streams = new ListAndWatchStreams(initial.listing());
    // A file left at our path by an earlier endpoint would make bind fail.
    Files.deleteIfExists(socket);
    this.server =
        sockets.serve(
            socket,
            new DevicePluginHandler(this::snapshot, options, allocation, streams, activity::touch));
    Optional<SocketFileId> bound = SocketFileId.of(socket);
    if (bound.isEmpty()) {
      server.shutdownNow();
      throw new IOException(socket + " vanished right after the server bound it");
    }
    this.socketId = bound.get();
  }

  /**
   * A started server on {@code socket}. Netty deletes the path its server bound when the server
   * closes, even after {@link #moveTo}: bind where nothing else will be ({@link PluginEndpoints}).
   *
   * @throws IOException when the socket cannot be bound
   */
  static PluginEndpoint bind(
      DomainSockets sockets,
      Path socket,
      DevicePluginOptions options,
      ContainerAllocation allocation,
      ResourceSnapshot initial,
      KubeletActivity activity)
      throws IOException {
    return new PluginEndpoint(sockets, socket, options, allocation, initial, activity);
  }

  /**
   * Renames the socket file to {@code target}, replacing what is there: the bound server now
   * answers whoever dials {@code target}, without a new server and bind. Same file system only.
   *
   * @throws IOException when the file cannot be renamed or is no longer ours
   */
  void moveTo(Path target) throws IOException {
    if (socket.equals(target)) {
      return;
    }
    DomainSockets.requireShortEnough(target);
    if (!socketIntact()) {
      throw new IOException(socket + " is no longer this server's socket");
    }
    Files.move(socket, target, StandardCopyOption.ATOMIC_MOVE);
    socket = target;
  }

  /** Whether closing this endpoint deletes {@code path}: Netty deletes the path it bound. */
  boolean closeDeletes(Path path) {
    return boundAt.equals(path);
  }

  String resourceName() {
    return resourceName;
  }

  Path socket() {
    return socket;
  }

  ResourceSnapshot snapshot() {
    return snapshot;
  }

  /** Swaps in a new snapshot and sends its device list to every stream if it changed. */
  void publish(ResourceSnapshot next) {
    snapshot = next;
    streams.publish(next.listing());
  }

  /** Tells every stream the resource has no devices left; the resource is going away. */
  void withdrawDevices() {
    streams.publish(ListAndWatchResponse.getDefaultInstance());
  }

  int openStreams() {
    return streams.size();
  }

  RegisterRequest registerRequest() {
    return RegisterRequest.newBuilder()
        .setVersion(API_VERSION)
        .setEndpoint(socket.getFileName().toString())
        .setResourceName(resourceName)
        .setOptions(options)
        .build();
  }

  RegistrationState registration() {
    return registration;
  }

  void registration(RegistrationState state) {
    registration = state;
  }

  /** Starts a new registration cycle; attempts of older cycles find they are stale and stop. */
  int nextRegistrationCycle() {
    return ++registrationCycle;
  }

  boolean isCurrentCycle(int cycle) {
    return cycle == registrationCycle;
  }

  /** The kubelet a Register call now under way was sent to; lifecycle thread only. */
  void attemptInFlight(Optional<SocketFileId> kubelet) {
    attemptInFlight = kubelet;
  }

  /** Registered with {@code kubelet}, or a Register call to it is under way. */
  boolean registeredOrRegisteringWith(Optional<SocketFileId> kubelet) {
    return registration.registeredWith(kubelet)
        || (kubelet.isPresent() && attemptInFlight.equals(kubelet));
  }

  /** This resource in the visibility view. */
  DevicePluginStatus.ResourceStatus status() {
    ResourceSnapshot current = snapshot;
    RegistrationState state = registration;
    return new DevicePluginStatus.ResourceStatus(
        resourceName,
        socket,
        state.registered(),
        state.registeredAt(),
        state.lastError(),
        streams.size(),
        current.devices().values().stream()
            .map(
                advertised ->
                    new DevicePluginStatus.DeviceStatus(
                        resourceName,
                        advertised.device().id(),
                        advertised.device().gpuUuid(),
                        advertised.device().mig().map(PlannedDevice.MigSlot::profile),
                        advertised.health(),
                        advertised.device().numaNode()))
            .toList());
  }

  /** False once the socket file was deleted or replaced: the kubelet can no longer dial us. */
  boolean socketIntact() {
    try {
      return SocketFileId.of(socket).equals(Optional.of(socketId));
    } catch (UncheckedIOException e) {
      LOG.atWarn()
          .setMessage("socket-unreadable")
          .addKeyValue("socket", socket)
          .addKeyValue("error", e.getMessage())
          .log();
      return false;
    }
  }

  /** Ends the streams, stops the server and removes the socket file if it is still ours. */
  @Override
  public void close() {
    stopServing();
    try {
      if (socketIntact()) {
        Files.deleteIfExists(socket);
      }
    } catch (IOException e) {
      LOG.atWarn()
          .setMessage("socket-not-removed")
          .addKeyValue("socket", socket)
          .addKeyValue("error", e.getMessage())
          .log();
    }
  }

  /**
   * Ends the streams and stops the server of an endpoint whose socket file was deleted, leaving the
   * path alone: its successor may be there already, possibly on the same inode within the same
   * timestamp tick, where {@link #socketIntact} could not tell them apart.
   */
  void closeLost() {
    stopServing();
  }

  private void stopServing() {
    // Refuse new calls, let the streams end cleanly, then cut what is left.
    server.shutdown();
    streams.close();
    try {
      if (!server.awaitTermination(500, TimeUnit.MILLISECONDS)) {
        server.shutdownNow();
        if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
          LOG.atWarn()
              .setMessage("plugin-stop-slow")
              .addKeyValue("resource", resourceName)
              .addKeyValue("socket", socket)
              .log();
        }
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    LOG.atDebug()
        .setMessage("plugin-stopped")
        .addKeyValue("resource", resourceName)
        .addKeyValue("socket", socket)
        .log();
  }
}
