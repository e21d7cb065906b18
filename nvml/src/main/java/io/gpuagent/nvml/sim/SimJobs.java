package io.gpuagent.nvml.sim;

import java.util.List;
import java.util.Optional;

/**
 * Starts what a profile says runs on the node when it is made: each GPU's background job (the
 * processes behind its workload wave, holding memory) and each simulated pod's processes on its
 * shared GPU. A process that would not fit in the GPU's free memory is a profile error.
 */
final class SimJobs {
  private final SimulatedNode node;

  SimJobs(SimulatedNode node) {
    this.node = node;
  }

  void start(SimProfile profile, List<SimPod> pods) {
    List<SimGpu> gpus = node.gpus();
    for (SimGpu gpu : gpus) {
      SimWorkload.Background job = gpu.spec.workload();
      for (int i = 0; i < job.processes(); i++) {
        int smPercent = (int) Math.round(job.utilization() / job.processes());
        SimProcess process =
            new SimProcess(
                SimWorkload.Background.pid(gpu.index, i),
                job.memoryBytes(),
                smPercent,
                Optional.empty(),
                true,
                false);
        start(profile, gpu, process, "gpus[" + gpu.index + "].workload");
      }
    }
    for (SimProfile.PodSpec spec : profile.pods()) {
      SimGpu gpu = gpus.get(spec.gpu());
      SimPod pod =
          new SimPod(
              spec.namespace(),
              spec.name(),
              spec.container(),
              gpu.uuid,
              spec.shares().stream().map(k -> gpu.uuid + "::" + k).toList(),
              spec.processes().stream().map(SimProfile.ProcessSpec::pid).toList());
      pods.add(pod);
      for (SimProfile.ProcessSpec p : spec.processes()) {
        node.processes().assign(p.pid(), pod);
        SimProcess process =
            new SimProcess(
                p.pid(),
                p.memoryBytes(),
                p.smPercent(),
                Optional.empty(),
                false,
                p.ignoresSigterm());
        start(profile, gpu, process, "pods " + spec.namespace() + "/" + spec.name());
      }
    }
  }

  private static void start(SimProfile profile, SimGpu gpu, SimProcess process, String where) {
    long free = gpu.memoryInfo().freeBytes();
    if (gpu.needs(process.usedMemoryBytes()) > free) {
      throw new SimProfileException(
          "profile "
              + profile.name()
              + ": "
              + where
              + ": pid "
              + process.pid()
              + " needs "
              + (process.usedMemoryBytes() >> 20)
              + " MiB and a CUDA context, but GPU "
              + gpu.index
              + " has "
              + (free >> 20)
              + " MiB free");
    }
    gpu.addProcess(process);
  }
}
