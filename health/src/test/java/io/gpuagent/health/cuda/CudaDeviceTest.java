package io.gpuagent.health.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class CudaDeviceTest {

  @Test
  void uuidIsSpelledAsNvmlSpellsIt() {
    byte[] bytes = HexFormat.of().parseHex("7a3e9f0c1d2b4c5d8e6f0a1b2c3d4e5f");
    assertThat(CudaDevice.format(bytes)).isEqualTo("GPU-7a3e9f0c-1d2b-4c5d-8e6f-0a1b2c3d4e5f");
  }

  @Test
  void uuidNeedsSixteenBytes() {
    assertThatThrownBy(() -> CudaDevice.format(new byte[15]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a UUID has 16 bytes, got 15");
  }

  @Test
  void deviceCudaDoesNotSeeIsNamedWithWhatToDo() {
    assertThat(CudaProbe.notVisible("GPU-7a3e9f0c-1d2b-4c5d-8e6f-0a1b2c3d4e5f", 8))
        .isEqualTo("GPU-7a3e9f0c-1d2b-4c5d-8e6f-0a1b2c3d4e5f is not among the 8 devices CUDA sees");
    assertThat(CudaProbe.notVisible("MIG-0a1b2c3d-1d2b-4c5d-8e6f-0a1b2c3d4e5f", 2))
        .isEqualTo(
            "CUDA sees 2 devices, so it cannot tell which is"
                + " MIG-0a1b2c3d-1d2b-4c5d-8e6f-0a1b2c3d4e5f: run the probe with"
                + " CUDA_VISIBLE_DEVICES=MIG-0a1b2c3d-1d2b-4c5d-8e6f-0a1b2c3d4e5f");
  }
}
