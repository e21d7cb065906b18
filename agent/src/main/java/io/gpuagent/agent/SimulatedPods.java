package io.gpuagent.agent;

import io.gpuagent.deviceplugin.sharing.quota.ProcessSignals;
import io.gpuagent.nvml.sim.SimPod;
import io.gpuagent.nvml.sim.SimulatedNode;
import io.gpuagent.podresources.ContainerRef;
import io.gpuagent.podresources.PodAssignmentSource;
import io.gpuagent.podresources.PodAssignments;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What a kubelet and a host would show of a simulated node's pods, for {@code --simulate}: the
 * profile's pods as podresources assignments, their processes' {@code /proc} entries in a temporary
 * directory (the quota monitor's proc root), and signals that end simulated processes. The
 * directory is deleted on close.
 */
public final class SimulatedPods implements PodAssignmentSource, AutoCloseable {
  private final SimulatedNode node;
  private final Path procRoot;
  private final PodAssignments assignments;

  public SimulatedPods(SimulatedNode node) {
    this.node = node;
    try {
      this.procRoot = Files.createTempDirectory("gpu-agent-sim-proc-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the simulated /proc directory", e);
    }
    node.mirrorProcFs(procRoot);
    Map<String, List<ContainerRef>> byId = new HashMap<>();
    for (SimPod pod : node.pods()) {
      ContainerRef ref = new ContainerRef(pod.namespace(), pod.name(), pod.container());
      pod.deviceIds().forEach(id -> byId.put(id, List.of(ref)));
    }
    this.assignments = new PodAssignments(byId, Instant.now());
  }

  @Override
  public PodAssignments current() {
    return assignments;
  }

  public Path procRoot() {
    return procRoot;
  }

  public ProcessSignals signals() {
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

  @Override
  public void close() {
    if (!Files.exists(procRoot)) {
      return;
    }
    try (Stream<Path> tree = Files.walk(procRoot)) {
      for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the simulated /proc directory " + procRoot, e);
    }
  }
}
