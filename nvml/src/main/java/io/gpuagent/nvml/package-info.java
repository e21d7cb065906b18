/**
 * The one way gpu-agent talks to GPUs: the {@link io.gpuagent.nvml.Nvml} and {@link
 * io.gpuagent.nvml.NvmlDevice} interfaces and immutable records and enums that carry NVML's own
 * names and return codes. Two implementations stand behind it: {@code jna} (the driver's {@code
 * libnvidia-ml.so.1}) and {@code sim} (a simulated node that is as strict as the hardware). "Not
 * supported" is an empty {@code Optional}; every other refusal is an {@link
 * io.gpuagent.nvml.NvmlException} with the NVML return code and function, and {@code
 * isDeviceLost()} tells a GPU that fell off the bus.
 *
 * <p>The sub-packages hold what every feature module shares: {@code inventory} (the node's GPUs and
 * MIG devices as one immutable snapshot, and how it is read), {@code events} (one thread reading
 * NVML events for everyone) and {@code health} (the words of a health verdict and the XID table).
 */
package io.gpuagent.nvml;
