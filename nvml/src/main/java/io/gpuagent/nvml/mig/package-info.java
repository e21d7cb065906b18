/**
 * MIG hardware as data, outside the simulator: a GPU model's GPU-instance profile table (compute
 * and memory slices, start positions, limits), read from NVML on a real GPU and from the model
 * files for a simulated one or a GPU whose MIG mode is still off.
 */
package io.gpuagent.nvml.mig;
