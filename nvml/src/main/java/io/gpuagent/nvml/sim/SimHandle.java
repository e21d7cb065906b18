package io.gpuagent.nvml.sim;

import io.gpuagent.nvml.Architecture;
import io.gpuagent.nvml.Brand;
import io.gpuagent.nvml.ComputeCapability;
import io.gpuagent.nvml.ComputeMode;
import io.gpuagent.nvml.EventSet;
import io.gpuagent.nvml.EventType;
import io.gpuagent.nvml.MemoryInfo;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.NvmlReturn;
import io.gpuagent.nvml.PciInfo;
import io.gpuagent.nvml.ProcessInfo;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What every simulated NVML handle shares. A handle is on a whole GPU ({@link SimDevice}) or on one
 * MIG compute instance of it ({@link SimMigDevice}); calls that answer the same way for either,
 * scoped to what the handle covers, live here. Each call passes the node's guard (initialised, the
 * device's injected latency, a lost GPU, a destroyed MIG instance).
 */
abstract class SimHandle implements NvmlDevice {
  protected final SimGpu gpu;
  private final Optional<SimComputeInstance> instance;
  private final int index;

  SimHandle(SimGpu gpu, Optional<SimComputeInstance> instance, int index) {
    this.gpu = gpu;
    this.instance = instance;
    this.index = index;
  }

  /** The event types this handle can register. */
  abstract Set<EventType> eventTypes();

  /** Runs {@code body} as NVML function {@code function} on this device. */
  protected final <T> T call(String function, Supplier<T> body) {
    return gpu.node.call(
        function,
        gpu,
        instance,
        () -> {
          if (instance.isPresent() && instance.get().destroyed()) {
            throw new SimRefusal(
                NvmlReturn.INVALID_ARGUMENT,
                "MIG device " + instance.get().uuid() + " was destroyed");
          }
          return body.get();
        });
  }

  protected final void run(String function, Runnable body) {
    call(
        function,
        () -> {
          body.run();
          return null;
        });
  }

  protected final <T> Optional<T> none(String function) {
    return call(function, Optional::empty);
  }

  @Override
  public String uuid() {
    return instance.map(SimComputeInstance::uuid).orElse(gpu.uuid);
  }

  @Override
  public int index() {
    return index;
  }

  @Override
  public String name() {
    return call(
        "nvmlDeviceGetName",
        () -> instance.map(SimComputeInstance::migDeviceName).orElse(gpu.model.name()));
  }

  /** Boards have serials; a MIG device has none of its own. */
  @Override
  public Optional<String> serial() {
    return call("nvmlDeviceGetSerial", () -> Optional.of(gpu.serial).filter(s -> !isMig()));
  }

  /** The whole board's memory, or the GPU instance's for a MIG device. */
  @Override
  public MemoryInfo memoryInfo() {
    return call(
        "nvmlDeviceGetMemoryInfo_v2",
        () -> instance.map(ci -> ci.gpuInstance().memory()).orElseGet(gpu::memoryInfo));
  }

  /** Every process on the GPU (with instance ids in MIG mode), or those of one MIG device. */
  @Override
  public List<ProcessInfo> computeRunningProcesses() {
    return call(
        "nvmlDeviceGetComputeRunningProcesses_v3",
        () ->
            instance.map(gpu::processesIn).orElseGet(gpu::processes).stream()
                .map(SimGpu::processInfo)
                .toList());
  }

  @Override
  public boolean isMigDevice() {
    return call("nvmlDeviceIsMigDeviceHandle", this::isMig);
  }

  @Override
  public int gpuInstanceId() {
    return call("nvmlDeviceGetGpuInstanceId", () -> migInstance().gpuInstance().id());
  }

  @Override
  public int computeInstanceId() {
    return call("nvmlDeviceGetComputeInstanceId", () -> migInstance().id());
  }

  @Override
  public NvmlDevice parent() {
    return call("nvmlDeviceGetDeviceHandleFromMigDeviceHandle", () -> migInstance().gpu().handle);
  }

  @Override
  public Set<EventType> supportedEventTypes() {
    return call("nvmlDeviceGetSupportedEventTypes", this::eventTypes);
  }

  @Override
  public void registerEvents(EventSet set, Set<EventType> types) {
    run(
        "nvmlDeviceRegisterEvents",
        () -> gpu.node.events().register(set, gpu, instance, types, eventTypes()));
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + uuid() + "]";
  }

  private boolean isMig() {
    return instance.isPresent();
  }

  private SimComputeInstance migInstance() {
    return instance.orElseThrow(
        () ->
            new SimRefusal(NvmlReturn.INVALID_ARGUMENT, gpu.uuid + " is a GPU, not a MIG device"));
  }

  @Override
  public Brand brand() {
    return call("nvmlDeviceGetBrand", () -> gpu.model.brand());
  }

  @Override
  public Architecture architecture() {
    return call("nvmlDeviceGetArchitecture", () -> gpu.model.architecture());
  }

  @Override
  public ComputeCapability cudaComputeCapability() {
    return call("nvmlDeviceGetCudaComputeCapability", () -> gpu.model.computeCapability());
  }

  @Override
  public PciInfo pciInfo() {
    return call("nvmlDeviceGetPciInfo_v3", () -> gpu.pciInfo);
  }

  @Override
  public Optional<Integer> numaNode() {
    return call("nvmlDeviceGetNumaNodeId", () -> Optional.of(gpu.spec.numaNode()));
  }

  /** The node's {@code /dev/nvidiaN}; a MIG device's container needs its parent's node too. */
  @Override
  public int minorNumber() {
    return call("nvmlDeviceGetMinorNumber", () -> gpu.index);
  }

  @Override
  public ComputeMode computeMode() {
    return call("nvmlDeviceGetComputeMode", gpu::computeMode);
  }
}
