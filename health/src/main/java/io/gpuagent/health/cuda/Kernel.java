package io.gpuagent.health.cuda;

import java.util.List;

/**
 * A kernel entry point of one of the checked-in PTX modules. PtxFilesTest checks the parameters
 * against the {@code .entry} the PTX declares, so a launch cannot pass a 32-bit value where the
 * kernel reads 64 bits.
 *
 * @param module the PTX resource's name without {@code .ptx}, e.g. {@code memory_probe}
 * @param entry the {@code extern "C"} kernel name
 * @param params what the kernel takes, in order
 */
record Kernel(String module, String entry, List<KernelParam> params) {

  Kernel {
    params = List.copyOf(params);
  }
}
