package io.gpuagent.bench;

import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.nvml.inventory.InventoryReader;
import io.gpuagent.nvml.sim.SimOptions;
import io.gpuagent.nvml.sim.SimulatedNode;
import java.time.Clock;
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
 * Cost of one inventory rebuild (the path every inventory change takes) on simulated nodes. It
 * measures the agent's own work around NVML; on a real node NVML's latency adds to it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class InventoryBenchmark {
  @Param({"h100x8", "a100-mig", "pcie-mixed"})
  public String profile;

  private SimulatedNode node;
  private InventoryReader reader;

  @Setup
  public void start() {
    node = SimulatedNode.load(profile, SimOptions.defaults());
    node.init();
    reader = new InventoryReader(node, Clock.systemUTC());
  }

  @TearDown
  public void stop() {
    node.shutdown();
  }

  @Benchmark
  public Inventory rebuildInventory() {
    return reader.read();
  }
}
