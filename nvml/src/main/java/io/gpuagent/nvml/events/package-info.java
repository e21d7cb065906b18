/**
 * NVML events (XID, ECC, MIG config change) read by one thread and fanned out to the modules that
 * care: the exporter counts XIDs, the health module acts on XIDs and ECC, the agent reads the
 * inventory again on a MIG config change.
 */
package io.gpuagent.nvml.events;
