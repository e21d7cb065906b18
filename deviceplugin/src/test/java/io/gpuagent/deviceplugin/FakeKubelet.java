package io.gpuagent.deviceplugin;

import io.gpuagent.deviceplugin.v1beta1.Empty;
import io.gpuagent.deviceplugin.v1beta1.RegisterRequest;
import io.gpuagent.deviceplugin.v1beta1.RegistrationGrpc;
import io.gpuagent.testing.Await;
import io.grpc.Context;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A kubelet's device manager on real Unix sockets: a Registration server on kubelet.sock that, like
 * the kubelet, dials each registered plugin back and keeps a ListAndWatch stream open.
 */
public final class FakeKubelet implements AutoCloseable {
  public static final String CHECKPOINT = "kubelet_internal_checkpoint";

  /** One Register call; {@code incarnation} counts kubelet starts, from 1. */
  public record Registration(RegisterRequest request, long atNanos, int incarnation) {}

  private final Path dir;
  private final DomainSockets sockets = new DomainSockets("fake-kubelet", 1);
  private final List<Registration> registrations = new CopyOnWriteArrayList<>();
  private final Map<String, PluginClient> plugins = new ConcurrentHashMap<>();
  private final AtomicInteger refuseNext = new AtomicInteger();
  private final List<Long> refusedAtNanos = new CopyOnWriteArrayList<>();
  private volatile int incarnation;
  private volatile long startedAtNanos;
  private Server server;

  private FakeKubelet(Path dir) {
    this.dir = dir;
  }

  public static FakeKubelet start(Path dir) {
    FakeKubelet kubelet = new FakeKubelet(dir);
    kubelet.serve();
    return kubelet;
  }

  /** Creates no socket yet: for a plugin that starts before the kubelet. */
  public static FakeKubelet notStarted(Path dir) {
    return new FakeKubelet(dir);
  }

  public synchronized void serve() {
    incarnation++;
    startedAtNanos = System.nanoTime();
    try {
      server = sockets.serve(dir.resolve(DevicePluginService.KUBELET_SOCKET), new Registrar());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * What a kubelet start does (its CleanupPluginDirectory): every file but the checkpoint is
   * deleted, directories are left alone, then kubelet.sock made. A file gone by the time it is
   * deleted (a warm-up round's socket) is skipped, as the kubelet skips it.
   */
  public synchronized void restart() {
    stop();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        if (!file.getFileName().toString().equals(CHECKPOINT)
            && !Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
          Files.deleteIfExists(file);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    serve();
  }

  public synchronized void stop() {
    if (server != null) {
      server.shutdownNow();
      try {
        server.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      server = null;
    }
    plugins.values().forEach(PluginClient::close);
    plugins.clear();
  }

  /** The next {@code count} Register calls fail with UNAVAILABLE. */
  public void refuseNext(int count) {
    refuseNext.set(count);
  }

  /** When Register calls were refused, in order. */
  public List<Long> refusedAtNanos() {
    return List.copyOf(refusedAtNanos);
  }

  public int incarnation() {
    return incarnation;
  }

  public long startedAtNanos() {
    return startedAtNanos;
  }

  public List<Registration> registrations() {
    return List.copyOf(registrations);
  }

  public Optional<Registration> registration(String resourceName, int kubeletIncarnation) {
    return registrations.stream()
        .filter(r -> r.incarnation() == kubeletIncarnation)
        .filter(r -> r.request().getResourceName().equals(resourceName))
        .findFirst();
  }

  public Registration awaitRegistration(String resourceName) {
    int current = incarnation;
    return Await.value(
        resourceName + " registered with kubelet #" + current,
        () -> registration(resourceName, current).orElse(null));
  }

  /** The client the kubelet opened to a registered resource's plugin. */
  public PluginClient plugin(String resourceName) {
    awaitRegistration(resourceName);
    return Await.value(resourceName + " dialled back", () -> plugins.get(resourceName));
  }

  @Override
  public void close() {
    stop();
    sockets.close();
  }

  private final class Registrar extends RegistrationGrpc.RegistrationImplBase {
    private final int servedIncarnation = incarnation;

    @Override
    public void register(RegisterRequest request, StreamObserver<Empty> response) {
      if (!request.getVersion().equals("v1beta1")) {
        response.onError(
            Status.INVALID_ARGUMENT
                .withDescription("unsupported version " + request.getVersion())
                .asRuntimeException());
        return;
      }
      if (refuseNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        refusedAtNanos.add(System.nanoTime());
        response.onError(Status.UNAVAILABLE.withDescription("not ready").asRuntimeException());
        return;
      }
      long registeredAt = System.nanoTime();
      // Like the kubelet's goroutine: the stream must outlive this Register call's context.
      PluginClient client;
      Context outer = Context.ROOT.attach();
      try {
        client = PluginClient.connect(sockets, dir.resolve(request.getEndpoint()));
      } finally {
        Context.ROOT.detach(outer);
      }
      PluginClient previous = plugins.put(request.getResourceName(), client);
      if (previous != null) {
        previous.close();
      }
      // Recorded only once the client is in place, so a test that saw the registration never
      // gets the previous registration's client from plugin().
      registrations.add(new Registration(request, registeredAt, servedIncarnation));
      response.onNext(Empty.getDefaultInstance());
      response.onCompleted();
    }
  }
}
