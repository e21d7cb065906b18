package io.gpuagent.nvml.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Reads a profile's {@code pods:} section: simulated pods' containers on shared GPUs, the shares
 * each holds and the processes each runs. Refused with one line: a GPU the node lacks or in MIG
 * mode, a share two pods hold, a pid used twice (background processes included).
 */
final class SimPodsLoader {
  private SimPodsLoader() {}

  static List<SimProfile.PodSpec> pods(
      YamlMap profile, List<YamlMap> rows, List<SimProfile.GpuSpec> gpus) {
    Set<Integer> pids = new HashSet<>();
    for (int g = 0; g < gpus.size(); g++) {
      for (int i = 0; i < gpus.get(g).workload().processes(); i++) {
        pids.add(SimWorkload.Background.pid(g, i));
      }
    }
    Map<String, String> shareHolders = new HashMap<>();
    List<SimProfile.PodSpec> pods = new ArrayList<>();
    for (YamlMap row : rows) {
      SimProfile.PodSpec pod = pod(row, gpus);
      row.done();
      for (int share : pod.shares()) {
        String who = pod.namespace() + "/" + pod.name() + "/" + pod.container();
        String earlier = shareHolders.putIfAbsent(pod.gpu() + "::" + share, who);
        if (earlier != null) {
          throw row.error(
              "shares",
              "share " + share + " of GPU " + pod.gpu() + " is already held by " + earlier);
        }
      }
      for (SimProfile.ProcessSpec process : pod.processes()) {
        if (!pids.add(process.pid())) {
          throw row.error("processes", "pid " + process.pid() + " is used twice on the node");
        }
      }
      pods.add(pod);
    }
    return pods;
  }

  private static SimProfile.PodSpec pod(YamlMap row, List<SimProfile.GpuSpec> gpus) {
    String name = row.string("name");
    String namespace = row.optString("namespace").orElse("default");
    String container = row.optString("container").orElse("main");
    int gpu = row.integer("gpu");
    if (gpu < 0 || gpu >= gpus.size()) {
      throw row.error("gpu", "no GPU " + gpu + " (" + gpus.size() + " GPUs)");
    }
    if (gpus.get(gpu).migEnabled()) {
      throw row.error("gpu", "GPU " + gpu + " is in MIG mode; simulated pods share whole GPUs");
    }
    YamlMap shares = row.map("shares");
    int from = shares.optInteger("from").orElse(0);
    int count = shares.integer("count");
    shares.done();
    if (from < 0 || count < 1) {
      throw row.error("shares", "needs from >= 0 and count >= 1, got " + from + "/" + count);
    }
    List<SimProfile.ProcessSpec> processes = new ArrayList<>();
    for (YamlMap p : row.optMapList("processes")) {
      processes.add(process(p));
      p.done();
    }
    return new SimProfile.PodSpec(
        namespace,
        name,
        container,
        gpu,
        IntStream.range(from, from + count).boxed().toList(),
        processes);
  }

  private static SimProfile.ProcessSpec process(YamlMap p) {
    int pid = p.integer("pid");
    long memoryMiB = p.longValue("memoryMiB");
    int sm = p.optInteger("smPercent").orElse(0);
    boolean ignoresSigterm = p.optBoolean("ignoresSigterm").orElse(false);
    if (pid <= 1) {
      throw p.error("pid", "must be above 1, got " + pid);
    }
    if (memoryMiB < 0) {
      throw p.error("memoryMiB", "must be 0 or more, got " + memoryMiB);
    }
    if (sm < 0 || sm > 100) {
      throw p.error("smPercent", "must be 0..100, got " + sm);
    }
    return new SimProfile.ProcessSpec(pid, memoryMiB << 20, sm, ignoresSigterm);
  }
}
