package io.gpuagent.health.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import jcuda.driver.CUresult;
import org.junit.jupiter.api.Test;

class CudaCallFailedTest {

  @Test
  void messageNamesTheCallAndTheResult() {
    CudaCallFailed failed =
        new CudaCallFailed(
            "cuCtxSynchronize after fill_pattern", CUresult.CUDA_ERROR_ECC_UNCORRECTABLE);
    assertThat(failed)
        .hasMessage("cuCtxSynchronize after fill_pattern: CUDA_ERROR_ECC_UNCORRECTABLE");
  }

  @Test
  void resultJCudaDoesNotKnowIsNamedByNumber() {
    assertThat(CudaCallFailed.name(12345)).isEqualTo("CUresult 12345");
  }

  @Test
  void hardwareFaultsCountAgainstTheGpu() {
    for (int result :
        new int[] {
          CUresult.CUDA_ERROR_ECC_UNCORRECTABLE,
          CUresult.CUDA_ERROR_ILLEGAL_ADDRESS,
          CUresult.CUDA_ERROR_LAUNCH_FAILED,
          CUresult.CUDA_ERROR_UNKNOWN
        }) {
      assertThat(new CudaCallFailed("call", result).saysNothingAboutHealth())
          .as(CudaCallFailed.name(result))
          .isFalse();
    }
  }

  @Test
  void busyOrMissingGpuSaysNothingAboutItsHealth() {
    for (int result :
        new int[] {
          CUresult.CUDA_ERROR_DEVICE_UNAVAILABLE,
          CUresult.CUDA_ERROR_OUT_OF_MEMORY,
          CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION
        }) {
      assertThat(new CudaCallFailed("call", result).saysNothingAboutHealth())
          .as(CudaCallFailed.name(result))
          .isTrue();
    }
  }

  @Test
  void environmentErrorsSayTheProbeCouldNotJudgeTheGpu() {
    for (int result :
        new int[] {
          CUresult.CUDA_ERROR_NO_DEVICE,
          CUresult.CUDA_ERROR_OPERATING_SYSTEM,
          CUresult.CUDA_ERROR_NOT_PERMITTED,
          CUresult.CUDA_ERROR_NOT_SUPPORTED,
          CUresult.CUDA_ERROR_SYSTEM_NOT_READY,
          CUresult.CUDA_ERROR_MPS_CONNECTION_FAILED,
          CUresult.CUDA_ERROR_MPS_RPC_FAILURE,
          CUresult.CUDA_ERROR_MPS_SERVER_NOT_READY,
          CUresult.CUDA_ERROR_MPS_MAX_CLIENTS_REACHED,
          CUresult.CUDA_ERROR_MPS_MAX_CONNECTIONS_REACHED
        }) {
      assertThat(new CudaCallFailed("call", result).isEnvironmentError())
          .as(CudaCallFailed.name(result))
          .isTrue();
    }
    assertThat(
            new CudaCallFailed("call", CUresult.CUDA_ERROR_ECC_UNCORRECTABLE).isEnvironmentError())
        .isFalse();
  }
}
