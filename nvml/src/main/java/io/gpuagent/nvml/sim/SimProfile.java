package io.gpuagent.nvml.sim;

import java.util.List;

/**
 * A simulated node as a profile file describes it, already checked: which GPUs, where they sit on
 * PCIe and NUMA, how NVLink connects them, their MIG layout at start, their background load.
 */
record SimProfile(
    String name,
    String driverVersion,
    int cudaDriverVersion,
    NvLinkFabric fabric,
    int nvSwitches,
    List<GpuSpec> gpus,
    List<PodSpec> pods) {

  /** How the GPUs' NVLinks are wired. */
  enum NvLinkFabric {
    /** Every link goes to an NVSwitch chip (HGX 8-GPU boards). */
    NVSWITCH,
    /** Links go straight to the other GPUs, spread evenly (HGX 4-GPU boards). */
    DIRECT,
    /** No NVLink in use. */
    NONE
  }

  /**
   * One GPU. {@code busId} is in NVML's form ({@code 00000000:18:00.0}); {@code pcieSwitches} are
   * the switches between the host bridge and the GPU, upstream first.
   */
  record GpuSpec(
      GpuModel model,
      String busId,
      int numaNode,
      String hostBridge,
      List<String> pcieSwitches,
      boolean migEnabled,
      List<MigPlacementRules.Placed> migInstances,
      SimWorkload.Background workload) {

    GpuSpec {
      pcieSwitches = List.copyOf(pcieSwitches);
      migInstances = List.copyOf(migInstances);
    }
  }

  /**
   * A simulated pod's container on a shared GPU: the shares it holds ({@code <uuid>::<k>}) and its
   * compute processes, started with the node.
   */
  record PodSpec(
      String namespace,
      String name,
      String container,
      int gpu,
      List<Integer> shares,
      List<ProcessSpec> processes) {
    PodSpec {
      shares = List.copyOf(shares);
      processes = List.copyOf(processes);
    }
  }

  /** One process of a simulated pod. */
  record ProcessSpec(int pid, long memoryBytes, int smPercent, boolean ignoresSigterm) {}

  SimProfile {
    gpus = List.copyOf(gpus);
    pods = List.copyOf(pods);
  }
}
