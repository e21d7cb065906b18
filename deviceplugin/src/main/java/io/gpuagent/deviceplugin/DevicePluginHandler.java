package io.gpuagent.deviceplugin;

import io.gpuagent.deviceplugin.ResourceSnapshot.AdvertisedDevice;
import io.gpuagent.deviceplugin.v1beta1.AllocateRequest;
import io.gpuagent.deviceplugin.v1beta1.AllocateResponse;
import io.gpuagent.deviceplugin.v1beta1.ContainerAllocateRequest;
import io.gpuagent.deviceplugin.v1beta1.ContainerPreferredAllocationRequest;
import io.gpuagent.deviceplugin.v1beta1.ContainerPreferredAllocationResponse;
import io.gpuagent.deviceplugin.v1beta1.DevicePluginGrpc;
import io.gpuagent.deviceplugin.v1beta1.DevicePluginOptions;
import io.gpuagent.deviceplugin.v1beta1.Empty;
import io.gpuagent.deviceplugin.v1beta1.ListAndWatchResponse;
import io.gpuagent.deviceplugin.v1beta1.PreStartContainerRequest;
import io.gpuagent.deviceplugin.v1beta1.PreStartContainerResponse;
import io.gpuagent.deviceplugin.v1beta1.PreferredAllocationRequest;
import io.gpuagent.deviceplugin.v1beta1.PreferredAllocationResponse;
import io.gpuagent.nvml.health.HealthState;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet-facing calls of one resource, answered from the current {@link ResourceSnapshot}. A
 * bad request gets INVALID_ARGUMENT with one line naming the device; the server keeps serving.
 */
final class DevicePluginHandler extends DevicePluginGrpc.DevicePluginImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(DevicePluginHandler.class);

  private final Supplier<ResourceSnapshot> snapshot;
  private final DevicePluginOptions options;
  private final ContainerAllocation allocation;
  private final ListAndWatchStreams streams;
  private final Runnable onCall;

  /**
   * @param onCall runs at the start of every call (the kubelet is busy: {@link KubeletActivity})
   */
  DevicePluginHandler(
      Supplier<ResourceSnapshot> snapshot,
      DevicePluginOptions options,
      ContainerAllocation allocation,
      ListAndWatchStreams streams,
      Runnable onCall) {
    this.snapshot = snapshot;
    this.options = options;
    this.allocation = allocation;
    this.streams = streams;
    this.onCall = onCall;
  }

  @Override
  public void getDevicePluginOptions(Empty request, StreamObserver<DevicePluginOptions> response) {
    onCall.run();
    response.onNext(options);
    response.onCompleted();
  }

  @Override
  public void listAndWatch(Empty request, StreamObserver<ListAndWatchResponse> response) {
    onCall.run();
    streams.open((ServerCallStreamObserver<ListAndWatchResponse>) response);
  }

  @Override
  public void getPreferredAllocation(
      PreferredAllocationRequest request, StreamObserver<PreferredAllocationResponse> response) {
    onCall.run();
    ResourceSnapshot current = snapshot.get();
    PreferredAllocationResponse.Builder answer = PreferredAllocationResponse.newBuilder();
    try {
      for (ContainerPreferredAllocationRequest container : request.getContainerRequestsList()) {
        for (String id : container.getMustIncludeDeviceIDsList()) {
          requireHealthy(current, id);
        }
        // The kubelet may still offer a device that turned unhealthy a moment ago: choosing
        // among the others gives it an answer it can use instead of a failed call.
        List<String> available = new ArrayList<>();
        for (String id : container.getAvailableDeviceIDsList()) {
          if (known(current, id).health().isHealthy()) {
            available.add(id);
          }
        }
        List<String> chosen =
            current
                .allocator()
                .choose(
                    available,
                    container.getMustIncludeDeviceIDsList(),
                    container.getAllocationSize());
        answer.addContainerResponses(
            ContainerPreferredAllocationResponse.newBuilder().addAllDeviceIDs(chosen));
      }
    } catch (IllegalArgumentException e) {
      refuse("GetPreferredAllocation", current, e.getMessage(), response);
      return;
    }
    response.onNext(answer.build());
    response.onCompleted();
  }

  @Override
  public void allocate(AllocateRequest request, StreamObserver<AllocateResponse> response) {
    onCall.run();
    ResourceSnapshot current = snapshot.get();
    AllocateResponse.Builder answer = AllocateResponse.newBuilder();
    try {
      for (ContainerAllocateRequest container : request.getContainerRequestsList()) {
        answer.addContainerResponses(
            allocation.answer(
                current.resource(),
                devicesFor(current, container.getDevicesIdsList()),
                current.capabilities(),
                current.shared()));
      }
    } catch (IllegalArgumentException e) {
      refuse("Allocate", current, e.getMessage(), response);
      return;
    }
    response.onNext(answer.build());
    response.onCompleted();
  }

  @Override
  public void preStartContainer(
      PreStartContainerRequest request, StreamObserver<PreStartContainerResponse> response) {
    onCall.run();
    response.onNext(PreStartContainerResponse.getDefaultInstance());
    response.onCompleted();
  }

  /** The requested devices in node order, whatever order the kubelet sent them in. */
  private static List<PlannedDevice> devicesFor(ResourceSnapshot current, List<String> ids) {
    if (ids.isEmpty()) {
      throw new IllegalArgumentException("a container request names no device");
    }
    Set<String> seen = new HashSet<>();
    List<AdvertisedDevice> devices = new ArrayList<>();
    for (String id : ids) {
      if (!seen.add(id)) {
        throw new IllegalArgumentException("device " + id + " is requested twice");
      }
      devices.add(requireHealthy(current, id));
    }
    devices.sort(Comparator.comparingInt(AdvertisedDevice::order));
    return devices.stream().map(AdvertisedDevice::device).toList();
  }

  private static AdvertisedDevice requireHealthy(ResourceSnapshot current, String id) {
    AdvertisedDevice device = known(current, id);
    if (device.health() instanceof HealthState.Unhealthy unhealthy) {
      throw new IllegalArgumentException(
          "device "
              + id
              + " is unhealthy since "
              + unhealthy.since()
              + ": "
              + unhealthy.reason().label()
              + " ("
              + unhealthy.evidence()
              + ")");
    }
    return device;
  }

  private static AdvertisedDevice known(ResourceSnapshot current, String id) {
    return current
        .device(id)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown device " + id + " for resource " + current.resource().name()));
  }

  private static void refuse(
      String call, ResourceSnapshot current, String reason, StreamObserver<?> response) {
    LOG.atWarn()
        .setMessage("request-refused")
        .addKeyValue("call", call)
        .addKeyValue("resource", current.resource().name())
        .addKeyValue("reason", reason)
        .log();
    response.onError(Status.INVALID_ARGUMENT.withDescription(reason).asRuntimeException());
  }
}
