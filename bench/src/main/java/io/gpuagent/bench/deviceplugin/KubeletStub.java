package io.gpuagent.bench.deviceplugin;

import io.gpuagent.deviceplugin.v1beta1.Empty;
import io.gpuagent.deviceplugin.v1beta1.RegisterRequest;
import io.gpuagent.deviceplugin.v1beta1.RegistrationGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The kubelet's side for the load run: a Registration server on kubelet.sock that hands over the
 * first registration, and channels to the plugin sockets, all on Netty's epoll transport.
 */
final class KubeletStub implements AutoCloseable {
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(
          1, new DefaultThreadFactory("kubelet-stub", true), EpollIoHandler.newFactory());
  private final CompletableFuture<RegisterRequest> registered = new CompletableFuture<>();
  private final Server server;

  KubeletStub(Path kubeletSocket) throws IOException {
    server =
        NettyServerBuilder.forAddress(new DomainSocketAddress(kubeletSocket.toString()))
            .channelType(EpollServerDomainSocketChannel.class)
            .bossEventLoopGroup(group)
            .workerEventLoopGroup(group)
            .withChildOption(ChannelOption.SO_KEEPALIVE, null)
            .directExecutor()
            .addService(
                new RegistrationGrpc.RegistrationImplBase() {
                  @Override
                  public void register(RegisterRequest request, StreamObserver<Empty> response) {
                    registered.complete(request);
                    response.onNext(Empty.getDefaultInstance());
                    response.onCompleted();
                  }
                })
            .build()
            .start();
  }

  RegisterRequest awaitRegistration() throws Exception {
    return registered.get(10, TimeUnit.SECONDS);
  }

  ManagedChannel dial(Path socket) {
    return NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
        .channelType(EpollDomainSocketChannel.class)
        .eventLoopGroup(group)
        .withOption(ChannelOption.SO_KEEPALIVE, null)
        .overrideAuthority("localhost")
        .directExecutor()
        .usePlaintext()
        .build();
  }

  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
