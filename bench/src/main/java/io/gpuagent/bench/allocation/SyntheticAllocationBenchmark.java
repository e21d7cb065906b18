package io.gpuagent.bench.allocation;

import io.gpuagent.deviceplugin.allocation.GpuTopology;
import io.gpuagent.deviceplugin.allocation.PairScore;
import io.gpuagent.deviceplugin.allocation.TopologyAllocator;
import io.gpuagent.nvml.TopologyLevel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * GetPreferredAllocation on synthetic topologies larger than any built-in profile: 16 GPUs as two
 * 8-GPU NVSwitch boards, 16 GPUs with random pair scores (the hardest case for the search's bound),
 * and 8 GPUs offering 80 memory slices each (640 devices, where the search runs under its node
 * budget).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class SyntheticAllocationBenchmark {
  @Param({"two-hgx-boards", "random-16", "slices-8x80"})
  public String topology;

  @Param({"2", "4", "8", "12"})
  public int size;

  private TopologyAllocator allocator;
  private List<String> available;

  @Setup
  public void start() {
    List<String> gpus =
        IntStream.range(0, topology.equals("slices-8x80") ? 8 : 16)
            .mapToObj(g -> String.format("GPU-%08x-0000-0000-0000-000000000000", g))
            .toList();
    GpuTopology scores =
        switch (topology) {
          case "random-16" -> randomScores(gpus, new Random(774));
          default -> GpuTopology.scored(gpus, SyntheticAllocationBenchmark::hgxBoards);
        };
    allocator = TopologyAllocator.of(scores, Map.of());
    available = topology.equals("slices-8x80") ? slices(gpus, 80) : gpus;
  }

  @Benchmark
  public List<String> choose() {
    return allocator.choose(available, List.of(), size);
  }

  /**
   * Boards of 8 GPUs on NVSwitch (18 links each), no NVLink between boards; on each board GPU pairs
   * share a PCIe switch and halves share a NUMA node, like h100x8.
   */
  private static PairScore hgxBoards(int a, int b) {
    boolean sameBoard = a / 8 == b / 8;
    int localA = a % 8;
    int localB = b % 8;
    TopologyLevel level;
    if (sameBoard && localA / 2 == localB / 2) {
      level = TopologyLevel.SINGLE;
    } else if (localA / 4 == localB / 4) {
      level = TopologyLevel.NODE;
    } else {
      level = TopologyLevel.SYSTEM;
    }
    return new PairScore(sameBoard ? 18 : 0, level);
  }

  private static GpuTopology randomScores(List<String> gpus, Random random) {
    int n = gpus.size();
    int[][] scores = new int[n][n];
    for (int a = 0; a < n; a++) {
      for (int b = a + 1; b < n; b++) {
        scores[a][b] = random.nextInt(2_000);
        scores[b][a] = scores[a][b];
      }
    }
    return GpuTopology.of(gpus, scores);
  }

  private static List<String> slices(List<String> gpus, int perGpu) {
    List<String> ids = new ArrayList<>();
    for (String gpu : gpus) {
      for (int slice = 0; slice < perGpu; slice++) {
        ids.add(gpu + "::" + slice);
      }
    }
    return List.copyOf(ids);
  }
}
