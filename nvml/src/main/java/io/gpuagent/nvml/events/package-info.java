/**
 * NVML events (XID, ECC) read by one thread and fanned out to the modules that care: the exporter
 * counts them, the health module acts on them.
 */
package io.gpuagent.nvml.events;
