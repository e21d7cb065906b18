package io.gpuagent.podresources;

import io.gpuagent.podresources.v1.AllocatableResourcesRequest;
import io.gpuagent.podresources.v1.AllocatableResourcesResponse;
import io.gpuagent.podresources.v1.ListPodResourcesRequest;
import io.gpuagent.podresources.v1.ListPodResourcesResponse;
import io.gpuagent.podresources.v1.PodResourcesListerGrpc;
import io.gpuagent.podresources.v1.PodResourcesListerGrpc.PodResourcesListerBlockingStub;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blocking calls to the kubelet's podresources socket, each with a deadline; every failure is a
 * {@link PodResourcesException}. Calls are serialised; {@link #close()} never waits for one.
 */
final class PodResourcesClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PodResourcesClient.class);
  private static final Duration CALL_DEADLINE = Duration.ofSeconds(2);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

  private final Path socket;
  private final EventLoopGroup eventLoop;
  // Null until the first call and after a failed one; written under the monitor, read by close().
  private volatile ManagedChannel channel;
  private volatile boolean closed;

  PodResourcesClient(Path socket) {
    if (!Epoll.isAvailable()) {
      throw new IllegalStateException(
          "podresources needs Netty's native epoll transport (Linux x86_64): "
              + Epoll.unavailabilityCause());
    }
    this.socket = socket;
    this.eventLoop =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("podresources-io", true), EpollIoHandler.newFactory());
  }

  Path socket() {
    return socket;
  }

  ListPodResourcesResponse list() {
    return call("List", stub -> stub.list(ListPodResourcesRequest.getDefaultInstance()));
  }

  AllocatableResourcesResponse allocatable() {
    return call(
        "GetAllocatableResources",
        stub -> stub.getAllocatableResources(AllocatableResourcesRequest.getDefaultInstance()));
  }

  private synchronized <T> T call(String method, Function<PodResourcesListerBlockingStub, T> rpc) {
    if (!Files.exists(socket)) {
      // No kubelet (or not yet): fail without dialling, so a missing file costs one stat.
      throw new PodResourcesException(socket, method, "socket absent");
    }
    var stub =
        PodResourcesListerGrpc.newBlockingStub(openChannel(method))
            .withDeadlineAfter(CALL_DEADLINE.toNanos(), TimeUnit.NANOSECONDS);
    try {
      return rpc.apply(stub);
    } catch (StatusRuntimeException e) {
      // A channel whose connection failed keeps failing fast with that error until its backoff
      // ends (gRPC's pick-first stays in TRANSIENT_FAILURE); dial afresh on the next call.
      dropChannel();
      throw new PodResourcesException(socket, method, e);
    }
  }

  private ManagedChannel openChannel(String method) {
    var open = channel;
    if (open == null) {
      open =
          NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
              .channelType(EpollDomainSocketChannel.class)
              .eventLoopGroup(eventLoop)
              // grpc-netty asks for TCP keepalive, which a Unix socket lacks: Netty would warn on
              // every connect. Null removes the option.
              .withOption(ChannelOption.SO_KEEPALIVE, null)
              .usePlaintext()
              .build();
      channel = open;
      if (closed) { // close() may have read the field before the write above
        dropChannel();
        throw new PodResourcesException(socket, method, "client closed");
      }
    }
    return open;
  }

  private void dropChannel() {
    var open = channel;
    channel = null;
    if (open != null) {
      open.shutdownNow();
    }
  }

  /** Cancels a call in flight, closes the channel and stops the event loop, promptly. */
  @Override
  public void close() {
    closed = true;
    var open = channel;
    if (open != null) {
      open.shutdownNow();
    }
    var eventLoopDown =
        eventLoop.shutdownGracefully(0, CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    try {
      if (open != null && !open.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        log.atWarn()
            .setMessage("podresources-channel-stop-late")
            .addKeyValue("waited", CLOSE_WAIT)
            .addKeyValue("socket", socket)
            .log();
      }
      if (!eventLoopDown.await(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        log.atWarn()
            .setMessage("podresources-event-loop-stop-late")
            .addKeyValue("waited", CLOSE_WAIT)
            .addKeyValue("socket", socket)
            .log();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.atWarn().setMessage("podresources-close-interrupted").addKeyValue("socket", socket).log();
    }
  }
}
