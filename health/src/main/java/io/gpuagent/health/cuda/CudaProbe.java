package io.gpuagent.health.cuda;

import io.gpuagent.health.probe.ProbeRequest;
import io.gpuagent.health.probe.ProbeResult;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one CUDA probe kernel on one device, in this process, and says what it found. Meant for the
 * {@code gpu-agent probe} child process: a kernel that hangs hangs this call, so the parent
 * enforces the deadline by killing the child; the probe itself only measures its duration and stops
 * between passes once the deadline has gone by.
 *
 * <p>libcuda.so.1 is loaded on the first call, not before. Without it the answer is {@link
 * ProbeResult.Outcome#UNAVAILABLE} with the detail {@value CudaDriver#NOT_AVAILABLE}. A CUDA error
 * is {@link ProbeResult.Outcome#FAILED} with the driver call and the CUresult name, e.g. {@code
 * cuCtxSynchronize after fill_pattern: CUDA_ERROR_ECC_UNCORRECTABLE}, except the few results that
 * say the GPU could not be used (busy, no memory free, driver set-up), which are UNAVAILABLE, and
 * those about the environment (no device visible, 304, 800, 801, 802 without Fabric Manager, MPS
 * 805–809), which are ERROR: the probe could not judge the GPU.
 */
public final class CudaProbe {

  private static final Logger LOG = LoggerFactory.getLogger(CudaProbe.class);

  private CudaProbe() {}

  /**
   * Runs {@code request} against {@code request.deviceUuid()} on the calling thread.
   *
   * <p>Memory: tests {@code request.memoryMib()} MiB of free device memory, or with 0 the default
   * of 256 MiB or 5 % of free memory, whichever is less; never more than 90 % of what is free.
   * Compute: ignores the memory size.
   */
  public static ProbeResult run(ProbeRequest request) {
    ProbeTimer timer = ProbeTimer.start(request.deadline());
    Optional<String> unavailable = CudaDriver.load();
    if (unavailable.isPresent()) {
      return ProbeResult.unavailable(timer.elapsed(), unavailable.get());
    }
    String uuid = request.deviceUuid();
    try {
      Optional<CudaDevice> device = CudaDevice.find(uuid);
      if (device.isEmpty()) {
        return ProbeResult.unavailable(
            timer.elapsed(), notVisible(uuid, CudaDevice.visibleCount()));
      }
      try (CudaContext context = CudaContext.create(device.get())) {
        return switch (request.kind()) {
          case MEMORY -> MemoryProbe.run(context, request.memoryMib(), timer);
          case COMPUTE -> ComputeProbe.run(context, timer);
        };
      }
    } catch (CudaCallFailed e) {
      LOG.atDebug()
          .setMessage("cuda-call-failed")
          .addKeyValue("device", uuid)
          .addKeyValue("call", e.call())
          .addKeyValue("result", e.result())
          .log();
      if (e.isEnvironmentError()) {
        return ProbeResult.error(timer.elapsed(), e.getMessage());
      }
      return e.saysNothingAboutHealth()
          ? ProbeResult.unavailable(timer.elapsed(), e.getMessage())
          : ProbeResult.failed(timer.elapsed(), e.getMessage(), 0);
    }
  }

  static String notVisible(String uuid, int visible) {
    if (uuid.startsWith("MIG-")) {
      return "CUDA sees "
          + visible
          + " devices, so it cannot tell which is "
          + uuid
          + ": run the probe with CUDA_VISIBLE_DEVICES="
          + uuid;
    }
    return uuid + " is not among the " + visible + " devices CUDA sees";
  }
}
