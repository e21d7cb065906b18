package io.gpuagent.bench.deviceplugin;

import io.gpuagent.bench.LoadAverage;
import io.gpuagent.deviceplugin.DevicePluginConfig;
import io.gpuagent.deviceplugin.DevicePluginService;
import io.gpuagent.deviceplugin.allocation.TopologyAllocator;
import io.gpuagent.deviceplugin.sharing.Enforcement;
import io.gpuagent.deviceplugin.sharing.GpuSelector;
import io.gpuagent.deviceplugin.sharing.SharingConfig;
import io.gpuagent.deviceplugin.sharing.SharingMode;
import io.gpuagent.deviceplugin.sharing.SharingRule;
import io.gpuagent.deviceplugin.sharing.SliceAllocator;
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
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * GetPreferredAllocation for memory slices: h100x8 with every GPU in {@code memory-slices} (1 GiB,
 * 2 GiB reserved), 8 × 77 = 616 devices of {@code nvidia.com/gpu-memory}. Rows: the best-fit choice
 * alone ({@link SliceAllocator#choose}, in process) and the call over the plugin's real Unix socket
 * as the kubelet makes it, each for an idle node (all 616 offered) and a fragmented one (a random
 * 0–60 slices of each GPU but the last taken, the rest offered), sizes 1, 10, 40 and 70. Target:
 * p99 < 1 ms.
 *
 * <p>Run: {@code mvn -B -q -pl bench -am package -DskipTests && java -cp
 * bench/target/benchmarks.jar io.gpuagent.bench.deviceplugin.SlicePreferredAllocationLoad [calls]
 * [warmup]}
 */
public final class SlicePreferredAllocationLoad {
  private static final int[] SIZES = {1, 10, 40, 70};

  private SlicePreferredAllocationLoad() {}

  public static void main(String[] args) throws Exception {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 3_000;
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "slload");
    SimulatedNode node = SimulatedNode.load("h100x8", SimOptions.defaults());
    node.init();
    Inventory inventory = new InventoryReader(node, Clock.systemUTC()).read();
    List<String> gpus = inventory.gpus().stream().map(Gpu::uuid).toList();
    SharingConfig sharing =
        SharingConfig.of(
            List.of(
                new SharingRule(
                    new GpuSelector.Indexes(List.of(0, 1, 2, 3, 4, 5, 6, 7)),
                    SharingMode.MEMORY_SLICES,
                    1L << 30,
                    2L << 30,
                    Enforcement.OBSERVE,
                    0)));
    try (KubeletStub kubelet = new KubeletStub(dir.resolve(DevicePluginService.KUBELET_SOCKET));
        DevicePluginService service =
            new DevicePluginService(
                DevicePluginConfig.defaults().withPluginDir(dir).withSharing(sharing),
                inv -> TopologyAllocator.build(node, inv))) {
      service.start(inventory);
      RegisterRequest registration = kubelet.awaitRegistration();
      ManagedChannel channel = kubelet.dial(dir.resolve(registration.getEndpoint()));
      try {
        var plugin = DevicePluginGrpc.newBlockingStub(channel);
        int shares = service.sharedDevices().get(gpus.get(0)).shares();
        List<String> idle = new ArrayList<>();
        for (String gpu : gpus) {
          for (int k = 0; k < shares; k++) {
            idle.add(gpu + "::" + k);
          }
        }
        List<String> fragmented = fragmented(gpus, shares, new Random(1));
        SliceAllocator allocator = new SliceAllocator(gpus);
        System.out.printf(
            "GetPreferredAllocation, %s: %d devices (%d GPUs × %d slices); %d sequential calls"
                + " per row after %d warm-up calls; %d CPUs, load average %s%n",
            registration.getResourceName(),
            idle.size(),
            gpus.size(),
            shares,
            calls,
            warmup,
            Runtime.getRuntime().availableProcessors(),
            LoadAverage.now());
        System.out.printf(
            "%-7s  %-11s %-5s %10s %10s %10s%n",
            "where", "node", "size", "p50 µs", "p99 µs", "max µs");
        for (String where : List.of("choose", "socket")) {
          for (String state : List.of("idle", "fragmented")) {
            List<String> offered = state.equals("idle") ? idle : fragmented;
            for (int size : SIZES) {
              PreferredAllocationRequest request =
                  DevicePluginSocketLoad.preferredRequest(offered, size);
              Runnable call =
                  where.equals("choose")
                      ? () -> allocator.choose(offered, List.of(), size)
                      : () -> plugin.getPreferredAllocation(request);
              DevicePluginSocketLoad.measure(warmup, call);
              long[] sorted = DevicePluginSocketLoad.measure(calls, call);
              System.out.printf(
                  "%-7s  %-11s %-5d %10.1f %10.1f %10.1f%n",
                  where,
                  state,
                  size,
                  DevicePluginSocketLoad.percentile(sorted, 0.50) / 1000.0,
                  DevicePluginSocketLoad.percentile(sorted, 0.99) / 1000.0,
                  sorted[sorted.length - 1] / 1000.0);
            }
          }
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

  /**
   * Each GPU but the last with 0–60 random slices taken (the last is idle, so 70 fits somewhere);
   * the free ones in a shuffled order.
   */
  private static List<String> fragmented(List<String> gpus, int shares, Random random) {
    List<String> free = new ArrayList<>();
    for (String gpu : gpus) {
      List<Integer> slices = new ArrayList<>();
      for (int k = 0; k < shares; k++) {
        slices.add(k);
      }
      Collections.shuffle(slices, random);
      int taken = gpu.equals(gpus.get(gpus.size() - 1)) ? 0 : random.nextInt(61);
      slices.subList(taken, shares).forEach(k -> free.add(gpu + "::" + k));
    }
    Collections.shuffle(free, random);
    return free;
  }
}
