/**
 * {@link io.gpuagent.nvml.Nvml} over NVIDIA's {@code libnvidia-ml.so.1} through JNA. The library is
 * opened by the first {@code init()}, never in a static initialiser, so a node without the driver
 * fails with one sentence. Struct layouts and versioned symbol names follow {@code nvml.h}; the
 * tests run this binding against a small native fake of the library, compiled from {@code
 * nvml/src/test/c} by the build, which checks symbol names, layouts and return-code handling.
 */
package io.gpuagent.nvml.jna;
