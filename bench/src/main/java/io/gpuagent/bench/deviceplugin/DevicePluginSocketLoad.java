package io.gpuagent.bench.deviceplugin;

import io.gpuagent.bench.LoadAverage;
import io.gpuagent.deviceplugin.DevicePluginConfig;
import io.gpuagent.deviceplugin.DevicePluginService;
import io.gpuagent.deviceplugin.allocation.TopologyAllocator;
import io.gpuagent.deviceplugin.v1beta1.AllocateRequest;
import io.gpuagent.deviceplugin.v1beta1.ContainerAllocateRequest;
import io.gpuagent.deviceplugin.v1beta1.ContainerPreferredAllocationRequest;
import io.gpuagent.deviceplugin.v1beta1.DevicePluginGrpc;
import io.gpuagent.deviceplugin.v1beta1.PreferredAllocationRequest;
import io.gpuagent.deviceplugin.v1beta1.RegisterRequest;
import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.nvml.inventory.InventoryReader;
import io.gpuagent.nvml.sim.SimOptions;
import io.gpuagent.nvml.sim.SimulatedNode;
import io.grpc.ManagedChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Load on the device plugin as the kubelet sees it: a {@link DevicePluginService} on a simulated 8x
 * H100 node, registered with a stub kubelet, called over its real Unix socket one request at a
 * time, Allocate and GetPreferredAllocation for 1 to 8 GPUs (GetPreferredAllocation through the
 * topology allocator). Prints p50/p99/max per call and size in microseconds.
 *
 * <p>Run: {@code mvn -B -q -pl bench -am package -DskipTests && java -cp
 * bench/target/benchmarks.jar io.gpuagent.bench.deviceplugin.DevicePluginSocketLoad [calls]
 * [warmup]}
 */
public final class DevicePluginSocketLoad {
  private static final int DEFAULT_CALLS = 10_000;
  private static final int DEFAULT_WARMUP = 2_000;

  private DevicePluginSocketLoad() {}

  public static void main(String[] args) throws Exception {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_CALLS;
    int warmup = args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_WARMUP;
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "dpload");
    SimulatedNode node = SimulatedNode.load("h100x8", SimOptions.defaults());
    node.init();
    Inventory inventory = new InventoryReader(node, Clock.systemUTC()).read();
    List<String> gpus = inventory.gpus().stream().map(Gpu::uuid).toList();
    try (KubeletStub kubelet = new KubeletStub(dir.resolve(DevicePluginService.KUBELET_SOCKET));
        DevicePluginService service =
            new DevicePluginService(
                DevicePluginConfig.defaults().withPluginDir(dir),
                inv -> TopologyAllocator.build(node, inv))) {
      service.start(inventory);
      RegisterRequest registration = kubelet.awaitRegistration();
      ManagedChannel channel = kubelet.dial(dir.resolve(registration.getEndpoint()));
      try {
        var plugin = DevicePluginGrpc.newBlockingStub(channel);
        Random random = new Random(1);
        List<Runnable> allocate = new ArrayList<>();
        List<Runnable> preferred = new ArrayList<>();
        for (int size = 1; size <= 8; size++) {
          final int n = size;
          Supplier<AllocateRequest> request = () -> allocateRequest(gpus, n, random);
          PreferredAllocationRequest preferredRequest = preferredRequest(gpus, n);
          allocate.add(() -> plugin.allocate(request.get()));
          preferred.add(() -> plugin.getPreferredAllocation(preferredRequest));
        }
        // Every call and size once through the JIT before any row is timed.
        for (int size = 0; size < 8; size++) {
          measure(warmup, allocate.get(size));
          measure(warmup, preferred.get(size));
        }
        System.out.printf(
            "device plugin over its Unix socket, %s, %d sequential calls per row after %d"
                + " warm-up calls each; %d CPUs, load average %s%n",
            registration.getResourceName(),
            calls,
            warmup,
            Runtime.getRuntime().availableProcessors(),
            LoadAverage.now());
        System.out.printf(
            "%-4s  %-22s %9s %9s %9s%n", "size", "call", "p50 µs", "p99 µs", "max µs");
        for (int size = 0; size < 8; size++) {
          print(size + 1, "Allocate", measure(calls, allocate.get(size)));
          print(size + 1, "GetPreferredAllocation", measure(calls, preferred.get(size)));
        }
      } finally {
        channel.shutdownNow();
      }
    } finally {
      node.shutdown();
      try (var files = Files.list(dir)) {
        for (Path file : files.toList()) {
          Files.deleteIfExists(file);
        }
      }
      Files.deleteIfExists(dir);
    }
  }

  /** {@code size} GPUs in a random order, as the kubelet sends them. */
  private static AllocateRequest allocateRequest(List<String> gpus, int size, Random random) {
    List<String> ids = new ArrayList<>(gpus.subList(0, size));
    Collections.shuffle(ids, random);
    return AllocateRequest.newBuilder()
        .addContainerRequests(ContainerAllocateRequest.newBuilder().addAllDevicesIds(ids))
        .build();
  }

  /** A GetPreferredAllocation request offering {@code gpus}. */
  static PreferredAllocationRequest preferredRequest(List<String> gpus, int size) {
    return PreferredAllocationRequest.newBuilder()
        .addContainerRequests(
            ContainerPreferredAllocationRequest.newBuilder()
                .addAllAvailableDeviceIDs(gpus)
                .setAllocationSize(size))
        .build();
  }

  /** Latencies of {@code calls} sequential calls, in nanoseconds, sorted. */
  static long[] measure(int calls, Runnable call) {
    long[] nanos = new long[calls];
    for (int i = 0; i < calls; i++) {
      long start = System.nanoTime();
      call.run();
      nanos[i] = System.nanoTime() - start;
    }
    Arrays.sort(nanos);
    return nanos;
  }

  private static void print(int size, String call, long[] sorted) {
    System.out.printf(
        "%-4d  %-22s %9.1f %9.1f %9.1f%n",
        size,
        call,
        percentile(sorted, 0.50) / 1000.0,
        percentile(sorted, 0.99) / 1000.0,
        sorted[sorted.length - 1] / 1000.0);
  }

  static long percentile(long[] sorted, double quantile) {
    int index = (int) Math.ceil(quantile * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(index, sorted.length - 1))];
  }
}
