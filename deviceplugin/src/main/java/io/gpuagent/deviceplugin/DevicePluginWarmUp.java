package io.gpuagent.deviceplugin;

import io.gpuagent.deviceplugin.allocation.PreferredAllocator;
import io.gpuagent.deviceplugin.v1beta1.AllocateRequest;
import io.gpuagent.deviceplugin.v1beta1.ContainerAllocateRequest;
import io.gpuagent.deviceplugin.v1beta1.ContainerPreferredAllocationRequest;
import io.gpuagent.deviceplugin.v1beta1.DevicePluginGrpc;
import io.gpuagent.deviceplugin.v1beta1.DevicePluginOptions;
import io.gpuagent.deviceplugin.v1beta1.Empty;
import io.gpuagent.deviceplugin.v1beta1.ListAndWatchResponse;
import io.gpuagent.deviceplugin.v1beta1.PreStartContainerRequest;
import io.gpuagent.deviceplugin.v1beta1.PreferredAllocationRequest;
import io.gpuagent.deviceplugin.v1beta1.RegisterRequest;
import io.gpuagent.deviceplugin.v1beta1.RegistrationGrpc;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the kubelet's calls through the real handler classes, Netty transport and registration
 * client before the first registration, so the kubelet's first Allocate finds them loaded and
 * compiled instead of interpreted (150–240 ms cold, sub-millisecond warm). It serves a throwaway
 * copy of one resource on its own socket, next to a throwaway registration server, both removed
 * afterwards: the kubelet never dials them, no endpoint or stream of the real service changes, and
 * Allocate is stateless, so nothing the kubelet, the API or the metrics see is touched.
 */
public final class DevicePluginWarmUp {
  private static final Logger LOG = LoggerFactory.getLogger(DevicePluginWarmUp.class);

  /**
   * Enough for C1 to compile a method that runs once per round (a connection's set-up, a
   * registration): the interpreter asks for a compilation only every 128 invocations (HotSpot's
   * Tier0InvokeNotifyFreqLog 7), so the invocation threshold of 200 takes 256 calls. 250 rounds
   * left those methods interpreted for the kubelet's first restarts.
   */
  public static final int ROUNDS = 320;

  /**
   * The first round always completes (it loads and initialises the classes: most of the cold cost),
   * within this much even when the budget is smaller: a loaded node needs it most.
   */
  static final Duration FIRST_ROUND_LIMIT = Duration.ofSeconds(5);

  /** A new connection every so many rounds: the kubelet dials each plugin afresh. */
  private static final int ROUNDS_PER_CONNECTION = 25;

  private static final String PLUGIN_SOCKET = DevicePluginService.SOCKET_PREFIX + "warm-up.sock";
  private static final String BOUND_SOCKET =
      DevicePluginService.SOCKET_PREFIX + "warm-up.bound.sock";
  private static final String KUBELET_SOCKET =
      DevicePluginService.SOCKET_PREFIX + "warm-up-kubelet.sock";

  /**
   * What a warm-up did: rounds and calls made, how long it took, and why it stopped early if it
   * did.
   */
  public record Result(int rounds, int calls, Duration took, Optional<String> failure) {
    static final Result NONE = new Result(0, 0, Duration.ZERO, Optional.empty());

    /** The same, with a failure that was no fault of the warm-up left out. */
    Result withoutFailure() {
      return new Result(rounds, calls, took, Optional.empty());
    }

    static Result skipped(String why) {
      return new Result(0, 0, Duration.ZERO, Optional.of(why));
    }

    /** This and {@code later} together. */
    Result plus(Result later) {
      return new Result(
          rounds + later.rounds,
          calls + later.calls,
          took.plus(later.took),
          failure.or(later::failure));
    }
  }

  private DevicePluginWarmUp() {}

  /**
   * What a warm-up serves and where: a throwaway copy of the largest of {@code snapshots}, with the
   * plugin's {@code options} and {@code allocation}, on sockets in {@code pluginDir}.
   */
  record Target(
      Path pluginDir,
      DevicePluginOptions options,
      ContainerAllocation allocation,
      List<ResourceSnapshot> snapshots) {
    Target {
      snapshots = List.copyOf(snapshots);
    }
  }

  /**
   * As {@link #run(Target, DomainSockets, ManagedChannel, int, Duration, BooleanSupplier)},
   * registering through a channel of its own.
   */
  static Result run(
      Target target, DomainSockets sockets, int rounds, Duration budget, BooleanSupplier mayGoOn) {
    ManagedChannel registration = sockets.dial(registrationSocket(target.pluginDir()));
    try {
      return run(target, sockets, registration, rounds, budget, mayGoOn);
    } finally {
      registration.shutdownNow();
    }
  }

  /**
   * Warms up with {@code target} until {@code rounds} rounds are done, {@code budget} is spent (the
   * first round gets up to {@link #FIRST_ROUND_LIMIT}) or {@code mayGoOn} says stop (asked before
   * each round after the first). Registers through {@code registration}, a channel to the throwaway
   * registration server's path that outlives the server as the real one outlives a kubelet. Never
   * throws for a failed call: the result says what happened.
   */
  static Result run(
      Target target,
      DomainSockets sockets,
      ManagedChannel registration,
      int rounds,
      Duration budget,
      BooleanSupplier mayGoOn) {
    Optional<ResourceSnapshot> largest =
        target.snapshots().stream()
            .filter(snapshot -> !healthyIds(snapshot).isEmpty())
            .max(Comparator.comparingInt(snapshot -> snapshot.devices().size()));
    if (largest.isEmpty()) {
      return Result.skipped("no healthy device to warm up with");
    }
    ResourceSnapshot snapshot = largest.get();
    Path pluginSocket = target.pluginDir().resolve(PLUGIN_SOCKET);
    Path kubeletSocket = registrationSocket(target.pluginDir());
    long start = System.nanoTime();
    long deadline = start + budget.toNanos();
    int calls = 0;
    int done = 0;
    PluginEndpoint plugin = null;
    Server kubelet = null;
    ManagedChannel channel = null;
    try {
      Files.deleteIfExists(kubeletSocket);
      // the endpoint class a kubelet restart makes anew: bound aside, then moved into place
      plugin =
          PluginEndpoint.bind(
              sockets,
              target.pluginDir().resolve(BOUND_SOCKET),
              target.options(),
              target.allocation(),
              snapshot,
              new KubeletActivity());
      plugin.moveTo(pluginSocket);
      kubelet = sockets.serve(kubeletSocket, new AcceptingRegistration());
      List<String> ids = healthyIds(snapshot);
      long firstRoundEnd = Math.max(deadline, System.nanoTime() + FIRST_ROUND_LIMIT.toNanos());
      for (int round = 0;
          round < rounds
              && (round == 0 || (System.nanoTime() < deadline && mayGoOn.getAsBoolean()));
          round++) {
        if (round % ROUNDS_PER_CONNECTION == 0) {
          shutdown(channel);
          channel = sockets.dial(pluginSocket);
        }
        long end = round == 0 ? firstRoundEnd : deadline;
        calls += round(channel, registration, snapshot, ids, round, end);
        done++;
      }
      return new Result(done, calls, Duration.ofNanos(System.nanoTime() - start), Optional.empty());
    } catch (IOException | RuntimeException e) {
      long now = System.nanoTime();
      // A call cut by the budget's deadline is the budget spent, not a failure.
      boolean budgetSpent = now >= deadline && calls > 0;
      return new Result(
          done,
          calls,
          Duration.ofNanos(now - start),
          budgetSpent ? Optional.empty() : Optional.of(e.toString()));
    } finally {
      shutdown(channel);
      if (plugin != null) {
        plugin.close();
      }
      stop(kubelet);
      deleteQuietly(pluginSocket);
      deleteQuietly(kubeletSocket);
    }
  }

  /** One kubelet-like sequence: options, a first device list, preferred, Allocate, PreStart. */
  private static int round(
      ManagedChannel channel,
      ManagedChannel registration,
      ResourceSnapshot snapshot,
      List<String> ids,
      int round,
      long deadline) {
    int calls = 0;
    stub(channel, deadline).getDevicePluginOptions(Empty.getDefaultInstance());
    calls++;
    int size = 1 + round % ids.size();
    List<String> chosen =
        stub(channel, deadline)
            .getPreferredAllocation(
                PreferredAllocationRequest.newBuilder()
                    .addContainerRequests(
                        ContainerPreferredAllocationRequest.newBuilder()
                            .addAllAvailableDeviceIDs(ids)
                            .setAllocationSize(size))
                    .build())
            .getContainerResponses(0)
            .getDeviceIDsList();
    calls++;
    stub(channel, deadline)
        .allocate(
            AllocateRequest.newBuilder()
                .addContainerRequests(
                    ContainerAllocateRequest.newBuilder().addAllDevicesIds(chosen))
                .build());
    calls++;
    stub(channel, deadline)
        .preStartContainer(PreStartContainerRequest.newBuilder().addAllDevicesIds(chosen).build());
    calls++;
    if (round % ROUNDS_PER_CONNECTION == 0) {
      calls += firstListing(channel, deadline);
      calls += register(registration, snapshot.resource().name(), deadline);
    }
    return calls;
  }

  /** A stub whose calls end with the warm-up's budget (a loaded machine can take seconds). */
  private static DevicePluginGrpc.DevicePluginBlockingStub stub(
      ManagedChannel channel, long deadline) {
    return DevicePluginGrpc.newBlockingStub(channel).withDeadline(until(deadline));
  }

  private static Deadline until(long deadline) {
    return Deadline.after(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  /** Opens a ListAndWatch stream, reads the first list and cancels, as a kubelet restart does. */
  private static int firstListing(ManagedChannel channel, long deadline) {
    Context.CancellableContext context = Context.current().withCancellation();
    AtomicInteger read = new AtomicInteger();
    try {
      context.run(
          () -> {
            Iterator<ListAndWatchResponse> listings =
                stub(channel, deadline).listAndWatch(Empty.getDefaultInstance());
            listings.next();
            read.incrementAndGet();
          });
    } finally {
      context.cancel(null);
    }
    return read.get();
  }

  /** The registration client path, against the throwaway registration server. */
  private static int register(ManagedChannel registration, String resourceName, long deadline) {
    registration.resetConnectBackoff();
    RegistrationGrpc.newBlockingStub(registration)
        .withDeadline(until(deadline))
        .register(
            RegisterRequest.newBuilder()
                .setVersion(PluginEndpoint.API_VERSION)
                .setEndpoint(PLUGIN_SOCKET)
                .setResourceName(resourceName)
                .build());
    return 1;
  }

  /**
   * Starts one round on a thread of its own, in a private temporary directory and with a synthetic
   * resource of 8 GPUs: it can run while the agent is still reading its configuration and the
   * inventory, so the round before the registration finds the classes loaded and initialised. The
   * future completes with what it did (a failure included); it never fails.
   */
  static CompletableFuture<Result> early(
      DevicePluginOptions options, ContainerAllocation allocation) {
    CompletableFuture<Result> done = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              Path dir = null;
              try (DomainSockets sockets = new DomainSockets("deviceplugin-warm-up-early-io", 1)) {
                dir = WarmUpDirectory.create("gpu-agent-warm-up");
                done.complete(
                    run(
                        new Target(dir, options, allocation, List.of(synthetic(8))),
                        sockets,
                        1,
                        Duration.ZERO,
                        () -> false));
              } catch (IOException | RuntimeException e) {
                done.complete(Result.skipped("early round: " + e.getMessage()));
              } finally {
                if (dir != null) {
                  deleteQuietly(dir);
                }
                done.complete(Result.NONE);
              }
            },
            "deviceplugin-warm-up-early");
    thread.setDaemon(true);
    thread.start();
    return done;
  }

  /** {@code gpus} whole GPUs, no NUMA node, first available first. */
  static ResourceSnapshot synthetic(int gpus) {
    List<PlannedDevice> devices =
        IntStream.range(0, gpus)
            .mapToObj(
                i ->
                    new PlannedDevice(
                        "GPU-warm-up-" + i,
                        "GPU-warm-up-" + i,
                        i,
                        i,
                        Optional.empty(),
                        Optional.empty(),
                        false))
            .toList();
    PreferredAllocator firstAvailable =
        (available, mustInclude, size) -> {
          Set<String> chosen = new LinkedHashSet<>(mustInclude);
          for (String id : available) {
            if (chosen.size() >= size) {
              break;
            }
            chosen.add(id);
          }
          return List.copyOf(chosen);
        };
    return ResourceSnapshot.of(
        new PlannedResource(ResourcePlanner.GPU, "nvidia.com/gpu", devices),
        Map.of(),
        firstAvailable,
        MigCapabilityCheck.NONE.capabilities(),
        Map.of());
  }

  /** Where the throwaway registration server listens in {@code pluginDir}. */
  static Path registrationSocket(Path pluginDir) {
    return pluginDir.resolve(KUBELET_SOCKET);
  }

  private static List<String> healthyIds(ResourceSnapshot snapshot) {
    return snapshot.devices().values().stream()
        .filter(device -> device.health().isHealthy())
        .map(device -> device.device().id())
        .toList();
  }

  private static void shutdown(ManagedChannel channel) {
    if (channel != null) {
      channel.shutdownNow();
    }
  }

  private static void stop(Server server) {
    if (server == null) {
      return;
    }
    server.shutdownNow();
    try {
      server.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void deleteQuietly(Path socket) {
    try {
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      // The stale-socket sweep of the next start removes it (it has our prefix).
      LOG.atDebug()
          .setMessage("warm-up-socket-left")
          .addKeyValue("socket", socket)
          .addKeyValue("error", e.getMessage())
          .log();
    }
  }

  /** Accepts every registration, as a kubelet does for a valid request. */
  private static final class AcceptingRegistration extends RegistrationGrpc.RegistrationImplBase {
    @Override
    public void register(RegisterRequest request, StreamObserver<Empty> response) {
      response.onNext(Empty.getDefaultInstance());
      response.onCompleted();
    }
  }
}
