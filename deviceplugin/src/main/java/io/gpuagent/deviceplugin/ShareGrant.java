package io.gpuagent.deviceplugin;

import io.gpuagent.deviceplugin.sharing.Enforcement;
import io.gpuagent.deviceplugin.sharing.SharedDevice;
import io.gpuagent.deviceplugin.sharing.SharingConfig;
import io.gpuagent.deviceplugin.sharing.SharingMode;
import io.gpuagent.deviceplugin.v1beta1.ContainerAllocateResponse;
import io.gpuagent.deviceplugin.v1beta1.Mount;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a container holding shares gets besides the device list: the allocated IDs, its memory
 * limit, and with {@code enforcement: mps} the MPS pipe directory and limits. Built only for a
 * valid set: memory slices (and MPS shares) all on one device.
 */
final class ShareGrant {
  /** The allocated device IDs, comma-separated: how the quota monitor finds a process's pod. */
  static final String DEVICE_IDS = "GPU_AGENT_DEVICE_IDS";

  /** The container's memory quota in MiB (memory slices only). */
  static final String MEMORY_LIMIT = "GPU_AGENT_MEMORY_LIMIT_MIB";

  static final String MPS_PIPE = "CUDA_MPS_PIPE_DIRECTORY";
  static final String MPS_MEMORY = "CUDA_MPS_PINNED_DEVICE_MEM_LIMIT";
  static final String MPS_THREADS = "CUDA_MPS_ACTIVE_THREAD_PERCENTAGE";

  private ShareGrant() {}

  /**
   * Refuses a set whose memory slices or MPS shares span devices, naming the devices and counts;
   * does nothing for a set without shares.
   */
  static void check(List<PlannedDevice> devices, Map<String, SharedDevice> shared) {
    Map<String, Long> counts = countsByTarget(devices);
    if (counts.size() < 2) {
      return;
    }
    boolean bound =
        devices.stream()
            .map(device -> shared.get(device.target()))
            .anyMatch(
                share ->
                    share != null
                        && (share.mode() == SharingMode.MEMORY_SLICES
                            || share.enforcement() == Enforcement.MPS));
    if (bound) {
      throw new IllegalArgumentException(
          "the devices span "
              + counts.size()
              + " GPUs or MIG devices ("
              + counts.entrySet().stream()
                  .map(entry -> entry.getKey() + ": " + entry.getValue())
                  .collect(Collectors.joining(", "))
              + "): memory slices and MPS shares of one container must be on one device");
    }
  }

  /** Adds the sharing variables and mounts for {@code devices} (checked by {@link #check}). */
  static void grant(
      ContainerAllocateResponse.Builder answer,
      List<PlannedDevice> devices,
      Map<String, SharedDevice> shared,
      SharingConfig config) {
    if (devices.stream().noneMatch(device -> device.share().isPresent())) {
      return;
    }
    answer.putEnvs(
        DEVICE_IDS, devices.stream().map(PlannedDevice::id).collect(Collectors.joining(",")));
    Map<String, Long> counts = countsByTarget(devices);
    if (counts.size() != 1) {
      return; // replicas of several GPUs (no MPS): no one limit applies
    }
    Map.Entry<String, Long> only = counts.entrySet().iterator().next();
    SharedDevice share = shared.get(only.getKey());
    if (share == null) {
      return;
    }
    int count = only.getValue().intValue();
    long limitMib = share.quotaBytes(count) >> 20;
    if (share.mode() == SharingMode.MEMORY_SLICES) {
      answer.putEnvs(MEMORY_LIMIT, Long.toString(limitMib));
    }
    if (share.enforcement() == Enforcement.MPS) {
      Path pipe = config.mpsPipeRoot().resolve(share.uuid()).resolve("pipe");
      answer.addMounts(
          Mount.newBuilder()
              .setContainerPath(SharingConfig.CONTAINER_PIPE_DIRECTORY)
              .setHostPath(pipe.toString())
              .setReadOnly(false));
      answer.putEnvs(MPS_PIPE, SharingConfig.CONTAINER_PIPE_DIRECTORY);
      if (share.mode() == SharingMode.MEMORY_SLICES) {
        // The container sees its one device as ordinal 0.
        answer.putEnvs(MPS_MEMORY, "0=" + limitMib + "M");
      }
      answer.putEnvs(MPS_THREADS, Integer.toString(threadPercentage(count, share.shares())));
    }
  }

  /** The share of the SMs: count / shares, rounded up, 1–100. */
  static int threadPercentage(int count, int shares) {
    return (int) Math.max(1, Math.min(100, (100L * count + shares - 1) / shares));
  }

  /** Per GPU or MIG UUID, how many of the devices are on it, in the devices' order. */
  private static Map<String, Long> countsByTarget(List<PlannedDevice> devices) {
    return devices.stream()
        .collect(
            Collectors.groupingBy(
                PlannedDevice::target, LinkedHashMap::new, Collectors.counting()));
  }
}
