package io.gpuagent.nvml.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code /proc} entries the simulated processes would have, written under a directory once
 * {@link #mirrorInto} names one: {@code <pid>/environ} (NUL-separated, with {@code
 * GPU_AGENT_DEVICE_IDS} and {@code NVIDIA_VISIBLE_DEVICES} for a pod's process, as Allocate sets
 * them) and {@code <pid>/cgroup} (a cgroup v2 kubepods path for a pod's process). Kept in step as
 * processes start and end. Runs under the node's lock.
 */
final class SimProcFs {
  private final String nodeName;
  private final Map<Integer, SimPod> podOf = new HashMap<>();
  private Optional<Path> root = Optional.empty();

  SimProcFs(String nodeName) {
    this.nodeName = nodeName;
  }

  /** The pod a pid will belong to once it starts. */
  void assign(int pid, SimPod pod) {
    podOf.put(pid, pod);
  }

  Optional<SimPod> podOf(int pid) {
    return Optional.ofNullable(podOf.get(pid));
  }

  /** Writes every running process under {@code directory}, and from now on each one that starts. */
  void mirrorInto(Path directory, List<SimGpu> gpus) {
    root = Optional.of(directory);
    for (SimGpu gpu : gpus) {
      gpu.processes().forEach(p -> started(gpu, p));
    }
  }

  void started(SimGpu gpu, SimProcess process) {
    if (root.isEmpty()) {
      return;
    }
    Path dir = root.get().resolve(Integer.toString(process.pid()));
    Optional<SimPod> pod = podOf(process.pid());
    StringBuilder environ = new StringBuilder();
    environ.append("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\0");
    environ.append("HOSTNAME=").append(pod.map(SimPod::name).orElse(nodeName)).append('\0');
    pod.ifPresent(
        p ->
            environ
                .append("NVIDIA_VISIBLE_DEVICES=")
                .append(gpu.uuid)
                .append('\0')
                .append("GPU_AGENT_DEVICE_IDS=")
                .append(String.join(",", p.deviceIds()))
                .append('\0'));
    try {
      Files.createDirectories(dir);
      Files.write(dir.resolve("environ"), environ.toString().getBytes(StandardCharsets.UTF_8));
      Files.writeString(dir.resolve("cgroup"), cgroup(process.pid(), pod));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the simulated /proc entry " + dir, e);
    }
  }

  void ended(int pid) {
    if (root.isEmpty()) {
      return;
    }
    Path dir = root.get().resolve(Integer.toString(pid));
    try {
      Files.deleteIfExists(dir.resolve("environ"));
      Files.deleteIfExists(dir.resolve("cgroup"));
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the simulated /proc entry " + dir, e);
    }
  }

  /** A cgroup v2 line like the kubelet's systemd driver makes, the same for a container's pids. */
  private static String cgroup(int pid, Optional<SimPod> pod) {
    if (pod.isEmpty()) {
      return "0::/system.slice/sim-process-" + pid + ".scope\n";
    }
    SimPod p = pod.get();
    String uid = uuid(p.namespace() + "/" + p.name()).replace('-', '_');
    String container =
        (uuid(p.namespace() + "/" + p.name() + "/" + p.container())
                + uuid(p.container() + "@" + p.name()))
            .replace("-", "");
    return "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
        + uid
        + ".slice/cri-containerd-"
        + container
        + ".scope\n";
  }

  private static String uuid(String name) {
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
  }
}
