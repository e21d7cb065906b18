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
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The kubelet's side for the benchmarks: a Registration server on kubelet.sock that hands over the
 * first registration, counts registrations by resource name with the time each resource first
 * registered, and dials channels to the plugin sockets, all on Netty's epoll transport.
 */
public final class KubeletStub implements AutoCloseable {
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(
          1, new DefaultThreadFactory("kubelet-stub", true), EpollIoHandler.newFactory());
  private final CompletableFuture<RegisterRequest> registered = new CompletableFuture<>();
  // Both guarded by the monitor of registrationCounts; register() runs on the event loop.
  private final Map<String, Integer> registrationCounts = new HashMap<>();
  private final Map<String, Long> firstRegisteredNanos = new HashMap<>();
  private final Server server;

  public KubeletStub(Path kubeletSocket) throws IOException {
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
                    count(request.getResourceName(), System.nanoTime());
                    registered.complete(request);
                    response.onNext(Empty.getDefaultInstance());
                    response.onCompleted();
                  }
                })
            .build()
            .start();
  }

  public RegisterRequest awaitRegistration() throws Exception {
    return registered.get(10, TimeUnit.SECONDS);
  }

  /**
   * Waits until every one of {@code resources} has registered; the {@link System#nanoTime()} at
   * which the last of them first did.
   */
  long awaitResources(Set<String> resources, Duration timeout)
      throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (registrationCounts) {
      while (!firstRegisteredNanos.keySet().containsAll(resources)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new TimeoutException(
              "registered within "
                  + timeout
                  + ": "
                  + registrationCounts
                  + ", waiting for "
                  + resources);
        }
        TimeUnit.NANOSECONDS.timedWait(registrationCounts, left);
      }
      return resources.stream().mapToLong(firstRegisteredNanos::get).max().orElseThrow();
    }
  }

  /** How often each resource has registered so far, by name. */
  Map<String, Integer> registrationCounts() {
    synchronized (registrationCounts) {
      return new TreeMap<>(registrationCounts);
    }
  }

  private void count(String resource, long atNanos) {
    synchronized (registrationCounts) {
      registrationCounts.merge(resource, 1, Integer::sum);
      firstRegisteredNanos.putIfAbsent(resource, atNanos);
      registrationCounts.notifyAll();
    }
  }

  public ManagedChannel dial(Path socket) {
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
