package io.gpuagent.health.cuda;

import java.util.Set;
import jcuda.driver.CUresult;

/** A CUDA driver call that returned something other than CUDA_SUCCESS. */
final class CudaCallFailed extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Results that say the probe could not get at the GPU, not that the GPU is broken: no device, a
   * stub or mismatched libcuda, PTX this driver cannot compile, a GPU held by another process in an
   * exclusive compute mode, memory taken by a workload.
   */
  private static final Set<Integer> SETUP_RESULTS =
      Set.of(
          CUresult.CUDA_ERROR_STUB_LIBRARY,
          CUresult.CUDA_ERROR_SYSTEM_DRIVER_MISMATCH,
          CUresult.CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE,
          CUresult.CUDA_ERROR_INVALID_PTX,
          CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION,
          CUresult.CUDA_ERROR_DEVICE_UNAVAILABLE,
          CUresult.CUDA_ERROR_OUT_OF_MEMORY);

  /**
   * Results that speak of the environment, not of the GPU: the probe could not judge it this time
   * (no device visible, the OS refused, not permitted or supported here, an NVSwitch system without
   * Fabric Manager, MPS trouble).
   */
  private static final Set<Integer> ENVIRONMENT_RESULTS =
      Set.of(
          CUresult.CUDA_ERROR_NO_DEVICE,
          CUresult.CUDA_ERROR_OPERATING_SYSTEM,
          CUresult.CUDA_ERROR_NOT_PERMITTED,
          CUresult.CUDA_ERROR_NOT_SUPPORTED,
          CUresult.CUDA_ERROR_SYSTEM_NOT_READY,
          CUresult.CUDA_ERROR_MPS_CONNECTION_FAILED,
          CUresult.CUDA_ERROR_MPS_RPC_FAILURE,
          CUresult.CUDA_ERROR_MPS_SERVER_NOT_READY,
          CUresult.CUDA_ERROR_MPS_MAX_CLIENTS_REACHED,
          CUresult.CUDA_ERROR_MPS_MAX_CONNECTIONS_REACHED);

  private final String call;
  private final int result;

  CudaCallFailed(String call, int result) {
    super(call + ": " + name(result));
    this.call = call;
    this.result = result;
  }

  /** Throws when {@code result} is not CUDA_SUCCESS. */
  static void check(String call, int result) {
    if (result != CUresult.CUDA_SUCCESS) {
      throw new CudaCallFailed(call, result);
    }
  }

  /** The CUresult's name as cuda.h spells it, e.g. {@code CUDA_ERROR_ECC_UNCORRECTABLE}. */
  static String name(int result) {
    String name = CUresult.stringFor(result);
    // JCuda answers "INVALID CUresult: n" for codes newer than it knows
    return name.startsWith("CUDA_") ? name : "CUresult " + result;
  }

  /** The driver API function, e.g. {@code cuMemAlloc}. */
  String call() {
    return call;
  }

  /** The CUresult code. */
  int result() {
    return result;
  }

  /**
   * True when the failure is about this node's setup or a busy GPU rather than the GPU's health.
   */
  boolean saysNothingAboutHealth() {
    return SETUP_RESULTS.contains(result);
  }

  /** True when the failure is about the environment: the probe could not judge the GPU. */
  boolean isEnvironmentError() {
    return ENVIRONMENT_RESULTS.contains(result);
  }
}
