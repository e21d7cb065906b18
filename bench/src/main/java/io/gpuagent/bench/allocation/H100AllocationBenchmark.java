package io.gpuagent.bench.allocation;

import io.gpuagent.deviceplugin.allocation.TopologyAllocator;
import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.nvml.inventory.InventoryReader;
import io.gpuagent.nvml.sim.SimOptions;
import io.gpuagent.nvml.sim.SimulatedNode;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One GetPreferredAllocation answer on a simulated 8x H100 NVSwitch node, all eight GPUs free, for
 * every request size: the kubelet waits on this call while a pod starts (NVIDIA's plugin takes
 * seconds here, their issue #774). Sampled, so p50 and p99 are printed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class H100AllocationBenchmark {
  @Param({"1", "2", "3", "4", "5", "6", "7", "8"})
  public int size;

  private SimulatedNode node;
  private TopologyAllocator allocator;
  private List<String> available;

  @Setup
  public void start() {
    node = SimulatedNode.load("h100x8", SimOptions.defaults());
    node.init();
    Inventory inventory = new InventoryReader(node, Clock.systemUTC()).read();
    allocator = TopologyAllocator.build(node, inventory);
    available = inventory.gpus().stream().map(Gpu::uuid).toList();
  }

  @TearDown
  public void stop() {
    node.shutdown();
  }

  @Benchmark
  public List<String> choose() {
    return allocator.choose(available, List.of(), size);
  }
}
