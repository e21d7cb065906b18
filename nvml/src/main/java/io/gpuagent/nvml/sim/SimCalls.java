package io.gpuagent.nvml.sim;

import io.gpuagent.nvml.NvmlException;
import io.gpuagent.nvml.NvmlReturn;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * How every simulated NVML call runs: UNINITIALIZED before {@code init()}, the device's injected
 * latency slept first (outside the node's one lock, so a slow device does not hold up the others),
 * GPU_IS_LOST on a GPU that fell off the bus, then the body under the lock, with a {@link
 * SimRefusal} from deep inside reported as this function's NVML error.
 */
final class SimCalls {
  /** The MIG calls NVML refuses without privilege (REFERENCE.md, NVIDIA's MIG user guide). */
  private static final Set<String> PRIVILEGED_MIG_CALLS =
      Set.of(
          "nvmlDeviceGetGpuInstanceById",
          "nvmlDeviceGetGpuInstances",
          "nvmlGpuInstanceGetComputeInstances",
          "nvmlDeviceCreateGpuInstance",
          "nvmlDeviceCreateGpuInstanceWithPlacement",
          "nvmlGpuInstanceCreateComputeInstance",
          "nvmlGpuInstanceDestroy",
          "nvmlComputeInstanceDestroy");

  /** The calls a {@link SimFault.MigCreateFailure} fails. */
  private static final Set<String> MIG_CREATE_CALLS =
      Set.of(
          "nvmlDeviceCreateGpuInstance",
          "nvmlDeviceCreateGpuInstanceWithPlacement",
          "nvmlGpuInstanceCreateComputeInstance");

  private final Object lock = new Object();
  private final SimFaults faults;
  private volatile boolean initialized;

  SimCalls(SimFaults faults) {
    this.faults = faults;
  }

  <T> T call(String function, SimGpu gpu, Optional<SimComputeInstance> instance, Supplier<T> body) {
    requireInit(function);
    sleep(function, locked(() -> faults.latency(gpu, instance)));
    synchronized (lock) {
      requireInit(function);
      if (gpu.lost()) {
        throw error(function, NvmlReturn.GPU_IS_LOST, gpu.uuid + " has fallen off the bus");
      }
      if (PRIVILEGED_MIG_CALLS.contains(function) && faults.has(gpu, SimFault.Unprivileged.class)) {
        throw error(
            function, NvmlReturn.NO_PERMISSION, "needs privilege or the /dev/nvidia-caps nodes");
      }
      if (MIG_CREATE_CALLS.contains(function) && faults.failsMigCreation(gpu)) {
        throw error(function, NvmlReturn.UNKNOWN, "injected fault mig-create-failure");
      }
      try {
        return body.get();
      } catch (SimRefusal refusal) {
        throw error(function, refusal.code(), refusal.getMessage());
      }
    }
  }

  /** Runs simulator bookkeeping (fault injection, resets) under the node's lock. */
  <T> T locked(Supplier<T> body) {
    synchronized (lock) {
      return body.get();
    }
  }

  void lockedRun(Runnable body) {
    synchronized (lock) {
      body.run();
    }
  }

  void setInitialized(boolean value) {
    initialized = value;
  }

  boolean initialized() {
    return initialized;
  }

  void requireInit(String function) {
    if (!initialized) {
      throw error(function, NvmlReturn.UNINITIALIZED, "call Nvml.init() first");
    }
  }

  static NvmlException error(String function, NvmlReturn code, String detail) {
    return new NvmlException(
        function,
        code,
        function + " failed: " + code.nvmlName() + " (" + code.code() + "): " + detail);
  }

  private static void sleep(String function, Duration delay) {
    if (delay.isZero()) {
      return;
    }
    try {
      Thread.sleep(delay.toMillis(), delay.toNanosPart() % 1_000_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw error(function, NvmlReturn.UNKNOWN, "interrupted while the simulated device was slow");
    }
  }
}
