package io.gpuagent.deviceplugin;

import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** gRPC over Unix domain sockets with Netty's epoll transport, as the kubelet speaks it. */
final class DomainSockets implements AutoCloseable {
  /** sun_path holds 108 bytes including the terminating NUL. */
  static final int MAX_PATH_BYTES = 107;

  /**
   * gRPC sets TCP keep-alive on every connection; a Unix socket has none, and Netty would warn on
   * every connection. A null value removes the option.
   */
  private static final ChannelOption<Boolean> NO_KEEPALIVE = ChannelOption.SO_KEEPALIVE;

  private final EventLoopGroup group;

  /**
   * @throws IllegalStateException with one line when epoll cannot be used (not Linux, no native
   *     library)
   */
  DomainSockets(String threadName, int threads) {
    if (!Epoll.isAvailable()) {
      throw new IllegalStateException(
          "the device plugin needs Netty's epoll transport (Linux x86_64): "
              + Epoll.unavailabilityCause());
    }
    this.group =
        new MultiThreadIoEventLoopGroup(
            threads, new DefaultThreadFactory(threadName, true), EpollIoHandler.newFactory());
  }

  /**
   * A started server on {@code socket}. Handlers run on the event loop: they only read a snapshot.
   *
   * @throws IllegalArgumentException when the path is too long for a Unix socket
   */
  Server serve(Path socket, BindableService service) throws IOException {
    requireShortEnough(socket);
    return NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
        .channelType(EpollServerDomainSocketChannel.class)
        .bossEventLoopGroup(group)
        .workerEventLoopGroup(group)
        .withChildOption(NO_KEEPALIVE, null)
        .directExecutor()
        .addService(service)
        .build()
        .start();
  }

  /** A plaintext channel to the server on {@code socket}; the caller shuts it down. */
  ManagedChannel dial(Path socket) {
    requireShortEnough(socket);
    return NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
        .channelType(EpollDomainSocketChannel.class)
        .eventLoopGroup(group)
        .withOption(NO_KEEPALIVE, null)
        .overrideAuthority("localhost")
        .usePlaintext()
        // the callers retry themselves (registration back-off); gRPC's retry layer would only wrap
        // every call in code the kubelet's rare calls run cold
        .disableRetry()
        .build();
  }

  static boolean shortEnough(Path socket) {
    return bytes(socket) <= MAX_PATH_BYTES;
  }

  private static int bytes(Path socket) {
    return socket.toString().getBytes(StandardCharsets.UTF_8).length;
  }

  static void requireShortEnough(Path socket) {
    int bytes = bytes(socket);
    if (bytes > MAX_PATH_BYTES) {
      throw new IllegalArgumentException(
          "socket path "
              + socket
              + " has "
              + bytes
              + " bytes; a Unix socket path holds at most "
              + MAX_PATH_BYTES);
    }
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
