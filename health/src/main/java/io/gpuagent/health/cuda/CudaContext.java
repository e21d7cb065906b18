package io.gpuagent.health.cuda;

import static io.gpuagent.health.cuda.CudaCallFailed.check;

import jcuda.driver.CUcontext;
import jcuda.driver.CUctx_flags;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.JCudaDriver;

/**
 * A CUDA context of its own on the probed device, current on the creating thread, destroyed on
 * close (which also frees anything a failed probe left behind).
 */
final class CudaContext implements AutoCloseable {

  private final CUcontext context;
  private final CudaDevice device;
  private boolean destroyed;

  private CudaContext(CUcontext context, CudaDevice device) {
    this.context = context;
    this.device = device;
  }

  static CudaContext create(CudaDevice device) {
    CUcontext context = new CUcontext();
    // blocking sync: the probe waits for the GPU without spinning a CPU core
    check(
        "cuCtxCreate",
        JCudaDriver.cuCtxCreate(context, CUctx_flags.CU_CTX_SCHED_BLOCKING_SYNC, device.handle()));
    return new CudaContext(context, device);
  }

  CudaDevice device() {
    return device;
  }

  /** Free device memory in bytes, as cuMemGetInfo reports it. */
  long freeBytes() {
    long[] free = new long[1];
    long[] total = new long[1];
    check("cuMemGetInfo", JCudaDriver.cuMemGetInfo(free, total));
    return free[0];
  }

  int multiprocessors() {
    int[] count = new int[1];
    check(
        "cuDeviceGetAttribute MULTIPROCESSOR_COUNT",
        JCudaDriver.cuDeviceGetAttribute(
            count, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, device.handle()));
    return count[0];
  }

  CudaModule loadModule(String name) {
    return CudaModule.load(name);
  }

  DeviceBuffer allocate(long bytes) {
    return DeviceBuffer.allocate(bytes);
  }

  @Override
  public void close() {
    if (!destroyed) {
      destroyed = true;
      check("cuCtxDestroy", JCudaDriver.cuCtxDestroy(context));
    }
  }
}
