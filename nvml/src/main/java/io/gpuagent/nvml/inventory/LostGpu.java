package io.gpuagent.nvml.inventory;

import io.gpuagent.nvml.NvmlReturn;
import java.util.Optional;

/**
 * A GPU NVML counts but that did not answer while the inventory was read (usually {@code
 * GPU_IS_LOST}); its UUID is known when its handle could still be obtained.
 */
public record LostGpu(int index, Optional<String> uuid, NvmlReturn error) {}
