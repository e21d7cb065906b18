package io.gpuagent.deviceplugin.allocation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AllocationSearchTest {

  @Test
  void sixteenDevicesAreAlwaysSearchedToTheEnd() {
    Random random = new Random(99);
    for (int round = 0; round < 50; round++) {
      GpuTopology topology = randomTopology(random, 16);
      List<DeviceGroup> wholeGpus =
          IntStream.range(0, 16).mapToObj(gpu -> new DeviceGroup(gpu, 0, 1)).toList();

      for (int extra = 1; extra <= 16; extra++) {
        assertThat(AllocationSearch.run(topology, wholeGpus, extra).exact()).isTrue();
      }
    }
  }

  @Test
  void sixteenMigDevicesOnFourGpusAreSearchedToTheEnd() {
    GpuTopology topology = randomTopology(new Random(7), 4);
    List<DeviceGroup> migGroups =
        IntStream.range(0, 4).mapToObj(gpu -> new DeviceGroup(gpu, 0, 4)).toList();

    for (int extra = 1; extra <= 16; extra++) {
      AllocationSearch.Result result = AllocationSearch.run(topology, migGroups, extra);

      assertThat(result.exact()).isTrue();
      assertThat(Arrays.stream(result.taken()).sum()).isEqualTo(extra);
    }
  }

  @Test
  void manyMemorySlicesStayWithinTheBudgetAndBeatGreedy() {
    Random random = new Random(5);
    GpuTopology topology = randomTopology(random, 16);
    List<DeviceGroup> slices = new ArrayList<>();
    for (int gpu = 0; gpu < 16; gpu++) {
      slices.add(new DeviceGroup(gpu, gpu == 3 ? 2 : 0, 10 + random.nextInt(70)));
    }

    AllocationSearch.Result result = AllocationSearch.run(topology, slices, 150);

    assertThat(Arrays.stream(result.taken()).sum()).isEqualTo(150);
    for (int g = 0; g < slices.size(); g++) {
      assertThat(result.taken()[g]).isBetween(0, slices.get(g).optional());
    }
    assertThat(result.value()).isGreaterThanOrEqualTo(greedyValue(topology, slices, 150));
  }

  @Test
  void slicesFillOneGpuBeforeTouchingAnother() {
    GpuTopology topology = randomTopology(new Random(3), 8);
    List<DeviceGroup> slices =
        IntStream.range(0, 8).mapToObj(gpu -> new DeviceGroup(gpu, 0, 80)).toList();

    AllocationSearch.Result result = AllocationSearch.run(topology, slices, 80);

    assertThat(result.taken()).containsExactly(80, 0, 0, 0, 0, 0, 0, 0);
    assertThat(result.exact()).isTrue();
  }

  @Test
  void migDevicesAndSlicesOfAnNvswitchNodeAreSearchedToTheEnd() {
    try (SimulatedNodes sim = SimulatedNodes.start("h100x8")) {
      GpuTopology topology = sim.allocator().topology();

      for (int extra = 1; extra <= 56; extra++) {
        assertThat(AllocationSearch.run(topology, groupsOf(8, 7), extra).exact()).isTrue();
      }
      for (int extra : new int[] {1, 40, 80, 81, 100, 150, 300, 639}) {
        assertThat(AllocationSearch.run(topology, groupsOf(8, 80), extra).exact()).isTrue();
      }
    }
  }

  private static List<DeviceGroup> groupsOf(int gpus, int devicesEach) {
    return IntStream.range(0, gpus).mapToObj(gpu -> new DeviceGroup(gpu, 0, devicesEach)).toList();
  }

  private static long greedyValue(GpuTopology topology, List<DeviceGroup> groups, int extra) {
    int n = groups.size();
    int[][] score = new int[n][n];
    long[] gain = new long[n];
    int[] optional = new int[n];
    for (int g = 0; g < n; g++) {
      optional[g] = groups.get(g).optional();
      for (int h = 0; h < n; h++) {
        score[g][h] = topology.score(groups.get(g).gpuPosition(), groups.get(h).gpuPosition());
        gain[g] += (long) groups.get(h).required() * score[g][h];
      }
    }
    return GreedyAllocation.run(score, gain, optional, extra).value();
  }

  private static GpuTopology randomTopology(Random random, int gpus) {
    int[][] scores = new int[gpus][gpus];
    for (int a = 0; a < gpus; a++) {
      for (int b = a + 1; b < gpus; b++) {
        scores[a][b] = random.nextInt(2_000);
        scores[b][a] = scores[a][b];
      }
    }
    List<String> uuids = IntStream.range(0, gpus).mapToObj(g -> "GPU-" + g).toList();
    return GpuTopology.of(uuids, scores);
  }
}
