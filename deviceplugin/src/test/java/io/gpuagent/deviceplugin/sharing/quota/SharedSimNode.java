package io.gpuagent.deviceplugin.sharing.quota;

import io.gpuagent.deviceplugin.sharing.Enforcement;
import io.gpuagent.deviceplugin.sharing.SharedDevice;
import io.gpuagent.deviceplugin.sharing.SharingMode;
import io.gpuagent.nvml.sim.SimOptions;
import io.gpuagent.nvml.sim.SimPod;
import io.gpuagent.nvml.sim.SimulatedNode;
import io.gpuagent.podresources.ContainerRef;
import io.gpuagent.podresources.PodAssignments;
import io.gpuagent.testing.ManualClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A simulated one-GPU H100 node whose profile puts pods on GPU 0, with its /proc mirrored into a
 * directory, the pods as a kubelet would report them, and signals that end simulated processes.
 */
final class SharedSimNode {
  static final long GIB = 1L << 30;

  final ManualClock clock = new ManualClock();
  final SimulatedNode node;
  final Path procRoot;
  final String gpu;

  /** {@code pods} is the profile's {@code pods:} section (YAML, indented by two). */
  SharedSimNode(Path dir, String pods) {
    String yaml =
        "gpus:\n"
            + "  - {model: NVIDIA H100 80GB HBM3, busId: \"0000:18:00.0\", numaNode: 0}\n"
            + "  - {model: NVIDIA H100 80GB HBM3, busId: \"0000:2a:00.0\", numaNode: 0}\n"
            + "pods:\n"
            + pods;
    try {
      Path profile = Files.writeString(dir.resolve("shared.yaml"), yaml);
      procRoot = Files.createDirectories(dir.resolve("proc"));
      node = SimulatedNode.load(profile.toString(), new SimOptions("test-node", 7, clock));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    node.init();
    node.mirrorProcFs(procRoot);
    gpu = node.deviceByIndex(0).uuid();
  }

  /** GPU 0 in 1 GiB memory slices (77 of them, 2 GiB reserve) under {@code enforcement}. */
  Map<String, SharedDevice> slicedGpu0(Enforcement enforcement) {
    return Map.of(
        gpu,
        new SharedDevice(
            gpu, SharingMode.MEMORY_SLICES, enforcement, GIB, 77, "nvidia.com/gpu-memory"));
  }

  /** What the kubelet's podresources would answer for the profile's pods. */
  PodAssignments assignments() {
    Map<String, List<ContainerRef>> byId = new HashMap<>();
    for (SimPod pod : node.pods()) {
      ContainerRef ref = new ContainerRef(pod.namespace(), pod.name(), pod.container());
      pod.deviceIds().forEach(id -> byId.put(id, List.of(ref)));
    }
    return new PodAssignments(byId, clock.instant());
  }

  ProcessSignals signals() {
    return new ProcessSignals() {
      @Override
      public boolean terminate(int pid) {
        return node.terminateProcess(pid);
      }

      @Override
      public boolean kill(int pid) {
        return node.killProcess(pid);
      }
    };
  }

  QuotaMonitor monitor(Map<String, SharedDevice> plan, Duration grace) {
    return new QuotaMonitor(
        new QuotaConfig(Duration.ofSeconds(1), procRoot, grace),
        node,
        () -> plan,
        this::assignments,
        signals(),
        clock);
  }

  List<Integer> pidsOnGpu0() {
    return node.deviceByIndex(0).computeRunningProcesses().stream().map(p -> p.pid()).toList();
  }
}
