package io.gpuagent.bench.health;

import io.gpuagent.deviceplugin.v1beta1.DevicePluginGrpc;
import io.gpuagent.deviceplugin.v1beta1.Empty;
import io.gpuagent.deviceplugin.v1beta1.ListAndWatchResponse;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The kubelet's ListAndWatch stream on one plugin socket, as the kubelet holds it open: every list
 * that arrives replaces the health of each device; a device whose health changed is stamped with
 * the {@link System#nanoTime()} of that list's arrival, so a waiter learns when the stream first
 * showed a state, not when the waiter woke up.
 */
final class HealthStream implements AutoCloseable {
  private final ManagedChannel channel;

  /** One device's health on the stream and when the stream first showed it. */
  private record Shown(String health, long sinceNanos) {}

  // Guarded by this; written on the channel's event loop (direct executor).
  private Map<String, Shown> shownById = Map.of();
  private Throwable ended;

  private HealthStream(ManagedChannel channel) {
    this.channel = channel;
  }

  /** Opens ListAndWatch on {@code channel}; the stream owns and closes the channel. */
  static HealthStream open(ManagedChannel channel) {
    HealthStream stream = new HealthStream(channel);
    DevicePluginGrpc.newStub(channel)
        .listAndWatch(
            Empty.getDefaultInstance(),
            new StreamObserver<>() {
              @Override
              public void onNext(ListAndWatchResponse list) {
                stream.received(list, System.nanoTime());
              }

              @Override
              public void onError(Throwable error) {
                stream.end(error);
              }

              @Override
              public void onCompleted() {
                stream.end(new IllegalStateException("the plugin ended ListAndWatch"));
              }
            });
    return stream;
  }

  /**
   * Waits until the stream shows {@code deviceId} with {@code health} ("Healthy" / "Unhealthy");
   * the {@link System#nanoTime()} at which the list that first showed it arrived.
   */
  synchronized long awaitHealth(String deviceId, String health, Duration timeout)
      throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Shown shown;
    while ((shown = shownById.get(deviceId)) == null || !health.equals(shown.health())) {
      if (ended != null) {
        throw new IllegalStateException("ListAndWatch ended: " + ended, ended);
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new TimeoutException(
            deviceId + " not " + health + " within " + timeout + ": " + shown);
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return shown.sinceNanos();
  }

  private synchronized void received(ListAndWatchResponse list, long atNanos) {
    Map<String, Shown> next = new HashMap<>();
    list.getDevicesList()
        .forEach(
            device -> {
              Shown before = shownById.get(device.getID());
              next.put(
                  device.getID(),
                  before != null && before.health().equals(device.getHealth())
                      ? before
                      : new Shown(device.getHealth(), atNanos));
            });
    shownById = next;
    notifyAll();
  }

  private synchronized void end(Throwable error) {
    ended = error;
    notifyAll();
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
