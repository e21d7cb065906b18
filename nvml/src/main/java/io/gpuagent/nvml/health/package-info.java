/**
 * The health vocabulary every module shares: the verdict type ({@link
 * io.gpuagent.nvml.health.HealthState}), the closed set of reasons ({@link
 * io.gpuagent.nvml.health.HealthReason}) and NVIDIA's XID catalogue as data ({@link
 * io.gpuagent.nvml.health.XidCatalog}). Deciding happens in the {@code health} module only.
 */
package io.gpuagent.nvml.health;
