package io.gpuagent.agent;

import io.gpuagent.mig.GpuReset;
import io.gpuagent.nvml.NvmlDevice;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Resets a GPU on a real node with {@code nvidia-smi --gpu-reset} (NVML has no reset call), so a
 * pending MIG mode takes effect. Needs the driver's tools in the container and no process on the
 * GPU (the MIG manager checks that first).
 */
public final class NvidiaSmiReset implements GpuReset {
  private static final long TIMEOUT_SECONDS = 120;

  @Override
  public void reset(NvmlDevice gpu) {
    String busId = gpu.pciInfo().busId();
    ProcessBuilder command =
        new ProcessBuilder("nvidia-smi", "--gpu-reset", "-i", busId).redirectErrorStream(true);
    try {
      Process process = command.start();
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            "nvidia-smi --gpu-reset -i " + busId + " did not finish in " + TIMEOUT_SECONDS + " s");
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            "nvidia-smi --gpu-reset -i "
                + busId
                + " failed ("
                + process.exitValue()
                + "): "
                + output.strip().lines().findFirst().orElse(""));
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot run nvidia-smi to reset " + busId + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while resetting " + busId, e);
    }
  }
}
