package io.gpuagent.podresources;

import io.gpuagent.podresources.v1.AllocatableResourcesRequest;
import io.gpuagent.podresources.v1.AllocatableResourcesResponse;
import io.gpuagent.podresources.v1.ContainerDevices;
import io.gpuagent.podresources.v1.ContainerResources;
import io.gpuagent.podresources.v1.GetPodResourcesRequest;
import io.gpuagent.podresources.v1.GetPodResourcesResponse;
import io.gpuagent.podresources.v1.ListPodResourcesRequest;
import io.gpuagent.podresources.v1.ListPodResourcesResponse;
import io.gpuagent.podresources.v1.PodResources;
import io.gpuagent.podresources.v1.PodResourcesListerGrpc;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A kubelet podresources v1 server on a real Unix socket, for tests: {@code List}, {@code
 * GetAllocatableResources} and {@code Get} answer from what the test assigned.
 *
 * <p>Published in this module's test-jar. To know that a client polling {@code List} has seen a
 * change: make the change, then {@code awaitListCalls(listCalls() + 2, timeout)} — the first of
 * those calls started after the change, and the second started after the first was handled.
 */
public final class FakePodResourcesServer implements AutoCloseable {
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  private final Path socket;
  private final EventLoopGroup eventLoop;
  private final Server server;
  private final Object lock = new Object();
  // namespace/pod → container → resource name → device IDs; all guarded by lock
  private final Map<PodKey, Map<String, Map<String, Set<String>>>> pods = new LinkedHashMap<>();
  private final Map<String, Set<String>> allocatable = new LinkedHashMap<>();
  private final Queue<Status> nextFailures = new ArrayDeque<>();
  private Status failAll;
  private boolean hanging;
  private int listCalls;

  private record PodKey(String namespace, String pod) {}

  private FakePodResourcesServer(Path socket) throws IOException {
    this.socket = socket;
    Files.createDirectories(socket.toAbsolutePath().getParent());
    // The kubelet removes a stale socket before it listens; so does the fake.
    Files.deleteIfExists(socket);
    this.eventLoop =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("fake-podresources", true), EpollIoHandler.newFactory());
    this.server =
        NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
            .channelType(EpollServerDomainSocketChannel.class)
            .bossEventLoopGroup(eventLoop)
            .workerEventLoopGroup(eventLoop)
            .withChildOption(ChannelOption.SO_KEEPALIVE, null) // no TCP keepalive on a Unix socket
            .directExecutor()
            .addService(new Lister())
            .build();
    try {
      server.start();
    } catch (IOException | RuntimeException e) {
      eventLoop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      throw e;
    }
  }

  /** Listens on {@code socket} (its directory is created, a stale file replaced). */
  public static FakePodResourcesServer start(Path socket) throws IOException {
    return new FakePodResourcesServer(socket);
  }

  public Path socket() {
    return socket;
  }

  /** Gives {@code deviceIds} of {@code resourceName} to one container, next to what it holds. */
  public void assign(
      String namespace, String pod, String container, String resourceName, String... deviceIds) {
    synchronized (lock) {
      pods.computeIfAbsent(new PodKey(namespace, pod), key -> new LinkedHashMap<>())
          .computeIfAbsent(container, key -> new LinkedHashMap<>())
          .computeIfAbsent(resourceName, key -> new LinkedHashSet<>())
          .addAll(Arrays.asList(deviceIds));
    }
  }

  /** The pod is gone, with all its containers. */
  public void removePod(String namespace, String pod) {
    synchronized (lock) {
      pods.remove(new PodKey(namespace, pod));
    }
  }

  /** Adds {@code deviceIds} to what {@code GetAllocatableResources} reports for the resource. */
  public void allocatable(String resourceName, String... deviceIds) {
    synchronized (lock) {
      allocatable
          .computeIfAbsent(resourceName, key -> new LinkedHashSet<>())
          .addAll(Arrays.asList(deviceIds));
    }
  }

  /** Forgets every pod and every allocatable device, and answers normally again. */
  public void clear() {
    synchronized (lock) {
      pods.clear();
      allocatable.clear();
      answerNormally();
    }
  }

  /** The next call (of any method) fails with {@code status}; several queue up in order. */
  public void failNext(Status status) {
    synchronized (lock) {
      nextFailures.add(status);
    }
  }

  /** Every call fails with {@code status} until {@link #answerNormally()}. */
  public void failAll(Status status) {
    synchronized (lock) {
      failAll = status;
    }
  }

  /** Calls are accepted and never answered (a hung kubelet) until {@link #answerNormally()}. */
  public void hang() {
    synchronized (lock) {
      hanging = true;
    }
  }

  /** Ends {@link #failAll}, {@link #hang} and queued {@link #failNext} failures. */
  public void answerNormally() {
    synchronized (lock) {
      nextFailures.clear();
      failAll = null;
      hanging = false;
    }
  }

  /** {@code List} calls received so far, answered or not. */
  public int listCalls() {
    synchronized (lock) {
      return listCalls;
    }
  }

  /** Waits until {@code total} {@code List} calls have been received; fails the test if not. */
  public void awaitListCalls(int total, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (listCalls < total) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(
              "expected " + total + " List calls within " + timeout + ", got " + listCalls);
        }
        TimeUnit.NANOSECONDS.timedWait(lock, left);
      }
    }
  }

  @Override
  public void close() {
    server.shutdownNow();
    var eventLoopDown =
        eventLoop.shutdownGracefully(0, CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    try {
      server.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      eventLoopDown.await(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      Files.deleteIfExists(socket);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove fake podresources socket " + socket, e);
    }
  }

  /**
   * Fails the call or leaves it hanging when the test asked for that; false means answer it. Caller
   * holds the lock.
   */
  private boolean interfere(StreamObserver<?> observer) {
    if (hanging) {
      return true;
    }
    Status status = nextFailures.isEmpty() ? failAll : nextFailures.remove();
    if (status == null) {
      return false;
    }
    observer.onError(status.asRuntimeException());
    return true;
  }

  private PodResources podResources(PodKey key, Map<String, Map<String, Set<String>>> containers) {
    var pod = PodResources.newBuilder().setNamespace(key.namespace()).setName(key.pod());
    containers.forEach(
        (name, resources) -> {
          var container = ContainerResources.newBuilder().setName(name);
          resources.forEach((resource, ids) -> container.addDevices(devices(resource, ids)));
          pod.addContainers(container);
        });
    return pod.build();
  }

  private static ContainerDevices devices(String resourceName, Set<String> ids) {
    return ContainerDevices.newBuilder().setResourceName(resourceName).addAllDeviceIds(ids).build();
  }

  private final class Lister extends PodResourcesListerGrpc.PodResourcesListerImplBase {
    @Override
    public void list(
        ListPodResourcesRequest request, StreamObserver<ListPodResourcesResponse> observer) {
      ListPodResourcesResponse response;
      synchronized (lock) {
        listCalls++;
        lock.notifyAll();
        if (interfere(observer)) {
          return;
        }
        var builder = ListPodResourcesResponse.newBuilder();
        pods.forEach((key, containers) -> builder.addPodResources(podResources(key, containers)));
        response = builder.build();
      }
      observer.onNext(response);
      observer.onCompleted();
    }

    @Override
    public void getAllocatableResources(
        AllocatableResourcesRequest request,
        StreamObserver<AllocatableResourcesResponse> observer) {
      AllocatableResourcesResponse response;
      synchronized (lock) {
        if (interfere(observer)) {
          return;
        }
        var builder = AllocatableResourcesResponse.newBuilder();
        allocatable.forEach((resource, ids) -> builder.addDevices(devices(resource, ids)));
        response = builder.build();
      }
      observer.onNext(response);
      observer.onCompleted();
    }

    @Override
    public void get(
        GetPodResourcesRequest request, StreamObserver<GetPodResourcesResponse> observer) {
      GetPodResourcesResponse response;
      synchronized (lock) {
        if (interfere(observer)) {
          return;
        }
        var key = new PodKey(request.getPodNamespace(), request.getPodName());
        var containers = pods.get(key);
        if (containers == null) {
          observer.onError(
              Status.NOT_FOUND
                  .withDescription("pod " + key.namespace() + "/" + key.pod() + " not found")
                  .asRuntimeException());
          return;
        }
        response =
            GetPodResourcesResponse.newBuilder()
                .setPodResources(podResources(key, containers))
                .build();
      }
      observer.onNext(response);
      observer.onCompleted();
    }
  }
}
