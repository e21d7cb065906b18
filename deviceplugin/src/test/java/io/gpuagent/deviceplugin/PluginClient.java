package io.gpuagent.deviceplugin;

import io.gpuagent.deviceplugin.v1beta1.AllocateRequest;
import io.gpuagent.deviceplugin.v1beta1.AllocateResponse;
import io.gpuagent.deviceplugin.v1beta1.ContainerAllocateRequest;
import io.gpuagent.deviceplugin.v1beta1.ContainerPreferredAllocationRequest;
import io.gpuagent.deviceplugin.v1beta1.Device;
import io.gpuagent.deviceplugin.v1beta1.DevicePluginGrpc;
import io.gpuagent.deviceplugin.v1beta1.DevicePluginOptions;
import io.gpuagent.deviceplugin.v1beta1.Empty;
import io.gpuagent.deviceplugin.v1beta1.ListAndWatchResponse;
import io.gpuagent.deviceplugin.v1beta1.PreferredAllocationRequest;
import io.gpuagent.deviceplugin.v1beta1.PreferredAllocationResponse;
import io.gpuagent.testing.Await;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** The kubelet's side of one plugin socket: a ListAndWatch stream and the unary calls. */
public final class PluginClient implements AutoCloseable {
  private final ManagedChannel channel;
  private final DevicePluginGrpc.DevicePluginBlockingStub stub;
  private volatile ListAndWatchResponse latest;
  private volatile int listsReceived;
  private volatile boolean streamEnded;

  private PluginClient(ManagedChannel channel) {
    this.channel = channel;
    this.stub = DevicePluginGrpc.newBlockingStub(channel);
  }

  /** Dials {@code socket} and opens ListAndWatch, as the kubelet does after a registration. */
  static PluginClient connect(DomainSockets sockets, Path socket) {
    PluginClient client = new PluginClient(sockets.dial(socket));
    DevicePluginGrpc.newStub(client.channel)
        .listAndWatch(
            Empty.getDefaultInstance(),
            new StreamObserver<>() {
              @Override
              public void onNext(ListAndWatchResponse value) {
                client.latest = value;
                client.listsReceived++;
              }

              @Override
              public void onError(Throwable t) {
                client.streamEnded = true;
              }

              @Override
              public void onCompleted() {
                client.streamEnded = true;
              }
            });
    return client;
  }

  /** Waits for a device list that satisfies {@code condition}. */
  public ListAndWatchResponse awaitList(String what, Predicate<ListAndWatchResponse> condition) {
    return awaitList(what, Await.DEFAULT, condition);
  }

  /** Waits at most {@code timeout} for a device list that satisfies {@code condition}. */
  public ListAndWatchResponse awaitList(
      String what, Duration timeout, Predicate<ListAndWatchResponse> condition) {
    return Await.value(
        what,
        timeout,
        () -> {
          ListAndWatchResponse now = latest;
          return now != null && condition.test(now) ? now : null;
        });
  }

  public ListAndWatchResponse awaitFirstList() {
    return awaitList("a first device list", list -> true);
  }

  public int listsReceived() {
    return listsReceived;
  }

  public boolean streamEnded() {
    return streamEnded;
  }

  public static Map<String, String> healthById(ListAndWatchResponse list) {
    return list.getDevicesList().stream()
        .collect(Collectors.toMap(Device::getID, Device::getHealth));
  }

  public DevicePluginOptions options() {
    return stub().getDevicePluginOptions(Empty.getDefaultInstance());
  }

  /** One Allocate call with one container request per list of IDs. */
  @SafeVarargs
  public final AllocateResponse allocate(List<String>... containers) {
    AllocateRequest.Builder request = AllocateRequest.newBuilder();
    for (List<String> ids : containers) {
      request.addContainerRequests(ContainerAllocateRequest.newBuilder().addAllDevicesIds(ids));
    }
    return stub().allocate(request.build());
  }

  public PreferredAllocationResponse preferred(
      List<String> available, List<String> mustInclude, int size) {
    return stub()
        .getPreferredAllocation(
            PreferredAllocationRequest.newBuilder()
                .addContainerRequests(
                    ContainerPreferredAllocationRequest.newBuilder()
                        .addAllAvailableDeviceIDs(available)
                        .addAllMustIncludeDeviceIDs(mustInclude)
                        .setAllocationSize(size))
                .build());
  }

  public DevicePluginGrpc.DevicePluginBlockingStub stub() {
    return stub.withDeadlineAfter(5, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }
}
