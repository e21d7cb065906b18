package io.gpuagent.mig;

import io.gpuagent.nvml.NvmlDevice;

/**
 * Resets one idle GPU so a pending MIG mode takes effect ({@code nvidia-smi --gpu-reset}; NVML has
 * no call for it). Throws with a one-line reason when the reset fails.
 */
public interface GpuReset {
  void reset(NvmlDevice gpu);
}
