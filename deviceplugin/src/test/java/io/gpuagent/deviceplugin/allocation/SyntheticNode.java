package io.gpuagent.deviceplugin.allocation;

import io.gpuagent.nvml.TopologyLevel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A random node for property tests: GPUs with random pair scores (often tied), each offering
 * itself, a few MIG devices or a few memory slices, and a random request against it.
 */
record SyntheticNode(
    GpuTopology topology,
    Map<String, Integer> gpuOfDevice,
    TopologyAllocator allocator,
    List<String> available,
    List<String> mustInclude,
    int size) {

  static SyntheticNode random(Random random, int maxGpus, int maxDevices) {
    Set<String> ids = new HashSet<>();
    int gpuCount = 1 + random.nextInt(maxGpus);
    List<String> gpus = new ArrayList<>();
    for (int g = 0; g < gpuCount; g++) {
      gpus.add(freshId(random, "GPU-", ids));
    }
    GpuTopology topology = GpuTopology.of(gpus, randomScores(random, gpuCount));

    Map<String, Integer> gpuOfDevice = new HashMap<>();
    Map<String, String> migParents = new HashMap<>();
    List<String> devices = new ArrayList<>();
    for (int g = 0; g < gpuCount && devices.size() < maxDevices; g++) {
      int kind = random.nextInt(3);
      int count = kind == 0 ? 1 : 1 + random.nextInt(Math.min(4, maxDevices - devices.size()));
      for (int k = 0; k < count; k++) {
        String id =
            switch (kind) {
              case 0 -> gpus.get(g);
              case 1 -> freshId(random, "MIG-", ids);
              default -> gpus.get(g) + "::" + k;
            };
        if (kind == 1) {
          migParents.put(id, gpus.get(g));
        }
        gpuOfDevice.put(id, g);
        devices.add(id);
      }
    }
    TopologyAllocator allocator = TopologyAllocator.of(topology, migParents);

    List<String> available = new ArrayList<>(devices);
    Collections.shuffle(available, random);
    available = List.copyOf(available.subList(0, 1 + random.nextInt(available.size())));
    int size = 1 + random.nextInt(available.size());
    List<String> mustInclude = new ArrayList<>(available);
    Collections.shuffle(mustInclude, random);
    int required = random.nextInt(3) == 0 ? random.nextInt(size + 1) : 0;
    mustInclude = List.copyOf(mustInclude.subList(0, required));
    return new SyntheticNode(topology, gpuOfDevice, allocator, available, mustInclude, size);
  }

  /** Three flavours: few distinct values (many ties), any value, and NVLink + PCIe scores. */
  private static int[][] randomScores(Random random, int n) {
    int flavour = random.nextInt(3);
    int[][] scores = new int[n][n];
    for (int a = 0; a < n; a++) {
      for (int b = a + 1; b < n; b++) {
        scores[a][b] =
            switch (flavour) {
              case 0 -> 10 * random.nextInt(4);
              case 1 -> random.nextInt(PairScore.SAME_GPU + 1);
              default ->
                  new PairScore(
                          random.nextInt(3) == 0 ? random.nextInt(5) : 0,
                          TopologyLevel.values()[random.nextInt(TopologyLevel.values().length)])
                      .value();
            };
        scores[b][a] = scores[a][b];
      }
    }
    return scores;
  }

  private static String freshId(Random random, String prefix, Set<String> taken) {
    String id;
    do {
      id = prefix + Integer.toHexString(random.nextInt()).toLowerCase(Locale.ROOT);
    } while (!taken.add(id));
    return id;
  }

  List<String> choose() {
    return allocator.choose(available, mustInclude, size);
  }

  /** The total pairwise score of a set of devices. */
  long value(List<String> devices) {
    long total = 0;
    for (int i = 0; i < devices.size(); i++) {
      for (int j = i + 1; j < devices.size(); j++) {
        total += topology.score(gpuOfDevice.get(devices.get(i)), gpuOfDevice.get(devices.get(j)));
      }
    }
    return total;
  }

  /** Lowest GPU position first, then lowest ID: the order answers are given and ties broken in. */
  Comparator<String> deviceOrder() {
    return Comparator.<String>comparingInt(gpuOfDevice::get)
        .thenComparing(Comparator.naturalOrder());
  }

  @Override
  public String toString() {
    return "request size="
        + size
        + " available="
        + available
        + " mustInclude="
        + mustInclude
        + " devices="
        + gpuOfDevice
        + " "
        + topology;
  }
}
