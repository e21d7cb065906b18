package io.gpuagent.deviceplugin;

import io.gpuagent.deviceplugin.v1beta1.ListAndWatchResponse;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The open ListAndWatch streams of one resource. A new stream gets the current list at once; every
 * changed list goes to every stream. One lock keeps each stream's messages in publication order.
 */
final class ListAndWatchStreams {
  private final Set<ServerCallStreamObserver<ListAndWatchResponse>> streams = new LinkedHashSet<>();
  private ListAndWatchResponse current;
  private boolean closed;

  ListAndWatchStreams(ListAndWatchResponse initial) {
    this.current = initial;
  }

  synchronized void open(ServerCallStreamObserver<ListAndWatchResponse> stream) {
    if (closed) {
      stream.onCompleted();
      return;
    }
    stream.setOnCancelHandler(() -> remove(stream));
    streams.add(stream);
    stream.onNext(current);
  }

  /** Sends {@code listing} to every stream unless it equals the last one sent. */
  synchronized void publish(ListAndWatchResponse listing) {
    if (listing.equals(current)) {
      return;
    }
    current = listing;
    for (ServerCallStreamObserver<ListAndWatchResponse> stream : streams) {
      stream.onNext(listing);
    }
  }

  synchronized int size() {
    return streams.size();
  }

  /** Ends every stream; later opens end at once. */
  void close() {
    List<ServerCallStreamObserver<ListAndWatchResponse>> open;
    synchronized (this) {
      closed = true;
      open = new ArrayList<>(streams);
      streams.clear();
    }
    open.forEach(ServerCallStreamObserver::onCompleted);
  }

  private synchronized void remove(ServerCallStreamObserver<ListAndWatchResponse> stream) {
    streams.remove(stream);
  }
}
