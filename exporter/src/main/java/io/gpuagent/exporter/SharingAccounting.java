package io.gpuagent.exporter;

import io.gpuagent.podresources.ContainerRef;
import java.util.List;
import java.util.Map;

/**
 * What each pod uses of the shared GPUs, by device UUID (GPU or MIG): the device's sharing mode and
 * enforcement (their config words, e.g. {@code memory-slices}, {@code observe}) and, per container
 * holding shares of it, the memory its processes use, its quota (0: none, as with replicas) and its
 * quota violation episodes so far. Immutable.
 */
public record SharingAccounting(Map<String, SharedGpu> byDevice) {
  public static final SharingAccounting NONE = new SharingAccounting(Map.of());

  public SharingAccounting {
    byDevice = Map.copyOf(byDevice);
  }

  public record SharedGpu(String mode, String enforcement, List<Sharer> sharers) {
    public SharedGpu {
      sharers = List.copyOf(sharers);
    }
  }

  public record Sharer(ContainerRef container, long usedBytes, long quotaBytes, long violations) {}
}
