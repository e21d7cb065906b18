package io.gpuagent.nvml.inventory;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the node has, read once from NVML and then shared read-only: the GPUs that answer, their MIG
 * devices, and the GPUs that were lost while reading. Rebuilt as a whole on any change. {@code
 * problems} are what kept part of a GPU from being read (e.g. MIG devices without privilege), one
 * sentence each naming the GPU and what is needed.
 */
public record Inventory(
    String driverVersion,
    String nvmlVersion,
    int cudaDriverVersion,
    List<Gpu> gpus,
    List<LostGpu> lostGpus,
    Instant builtAt,
    List<String> problems) {

  public Inventory {
    gpus = List.copyOf(gpus);
    lostGpus = List.copyOf(lostGpus);
    problems = List.copyOf(problems);
  }

  /** An inventory read without problems. */
  public Inventory(
      String driverVersion,
      String nvmlVersion,
      int cudaDriverVersion,
      List<Gpu> gpus,
      List<LostGpu> lostGpus,
      Instant builtAt) {
    this(driverVersion, nvmlVersion, cudaDriverVersion, gpus, lostGpus, builtAt, List.of());
  }

  /** This inventory as if read at {@code instant}: compares two reads of the same hardware. */
  public Inventory withBuiltAt(Instant instant) {
    return new Inventory(
        driverVersion, nvmlVersion, cudaDriverVersion, gpus, lostGpus, instant, problems);
  }

  /** The GPU or MIG device with this UUID, whichever it is. */
  public Optional<Gpu> gpuOwning(String uuid) {
    return gpus.stream()
        .filter(
            gpu ->
                gpu.uuid().equals(uuid)
                    || gpu.migDevices().stream().anyMatch(mig -> mig.uuid().equals(uuid)))
        .findFirst();
  }

  /** The UUID of the GPU at an NVML index, healthy or lost, if known. */
  public Optional<String> uuidAt(int index) {
    return gpus.stream()
        .filter(gpu -> gpu.index() == index)
        .map(Gpu::uuid)
        .findFirst()
        .or(
            () ->
                lostGpus.stream()
                    .filter(lost -> lost.index() == index)
                    .flatMap(lost -> lost.uuid().stream())
                    .findFirst());
  }

  /** True when {@code uuid} names a GPU, a MIG device or a lost GPU of this node. */
  public boolean knows(String uuid) {
    return gpuOwning(uuid).isPresent()
        || lostGpus.stream().anyMatch(lost -> lost.uuid().filter(uuid::equals).isPresent());
  }
}
