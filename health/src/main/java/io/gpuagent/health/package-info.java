/**
 * Device health: XIDs and ECC events from the NVML event pump, error counters polled each cycle,
 * CUDA probes in child processes, and a state machine per GPU and MIG device that also recovers.
 * Entry point: {@link io.gpuagent.health.HealthService}.
 */
package io.gpuagent.health;
