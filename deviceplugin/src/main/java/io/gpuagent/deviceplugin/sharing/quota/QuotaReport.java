package io.gpuagent.deviceplugin.sharing.quota;

import io.gpuagent.deviceplugin.sharing.ShareId;
import io.gpuagent.deviceplugin.sharing.SharedDevice;
import io.gpuagent.podresources.ContainerRef;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One sample of the quota monitor: for each shared GPU (or MIG device) by UUID, who holds its
 * shares, what each holder's processes use and what its quota is. Immutable.
 */
public record QuotaReport(Map<String, DeviceUsage> devices, Instant takenAt) {
  public static final QuotaReport NONE = new QuotaReport(Map.of(), Instant.EPOCH);

  public QuotaReport {
    devices = Map.copyOf(devices);
  }

  /**
   * A shared device: its holders, and the processes on it no allocation could be found for (no
   * {@code GPU_AGENT_DEVICE_IDS} in their environ or their container's).
   */
  public record DeviceUsage(
      SharedDevice device, List<HolderUsage> holders, List<ProcessUse> unattributed) {
    public DeviceUsage {
      holders = List.copyOf(holders);
      unattributed = List.copyOf(unattributed);
    }
  }

  /**
   * One allocation on the device: the container holding it (empty when the kubelet's podresources
   * does not say), its shares, its processes' memory, its quota (0 for replicas: no quota), how
   * many violation episodes it had since the monitor first saw it, and whether it is over now.
   */
  public record HolderUsage(
      Optional<ContainerRef> container,
      List<ShareId> shares,
      long usedBytes,
      long quotaBytes,
      long violations,
      boolean overQuota,
      List<ProcessUse> processes) {
    public HolderUsage {
      shares = List.copyOf(shares);
      processes = List.copyOf(processes);
    }
  }

  /** A compute process and the memory NVML says it uses (0 where NVML does not say). */
  public record ProcessUse(int pid, long usedBytes) {}
}
