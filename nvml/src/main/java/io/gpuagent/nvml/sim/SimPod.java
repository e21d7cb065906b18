package io.gpuagent.nvml.sim;

import java.util.List;

/**
 * A simulated pod's container on a shared GPU, as its profile placed it: the kubelet device IDs it
 * holds ({@code <gpu uuid>::<k>}) and the pids of the processes it started with. What a kubelet's
 * podresources API would say about it, without a kubelet.
 */
public record SimPod(
    String namespace,
    String name,
    String container,
    String gpuUuid,
    List<String> deviceIds,
    List<Integer> pids) {
  public SimPod {
    deviceIds = List.copyOf(deviceIds);
    pids = List.copyOf(pids);
  }
}
