/**
 * A simulated GPU node behind the {@link io.gpuagent.nvml.Nvml} facade: the demo ({@code gpu-agent
 * run --simulate h100x8}) and the test bed of every module. GPU models and their MIG profile tables
 * are data (YAML resources); a node is a profile of such GPUs with topology and workload. It is
 * strict like the hardware: NOT_SUPPORTED where the model answers it, the MIG placement rules A100
 * and H100 enforce, NVML's return codes for what a driver refuses. Faults (XIDs, ECC, a lost GPU,
 * latency, processes, probe faults) and MIG re-layouts are injected at run time, and the agent has
 * to notice them through NVML, as on a real node.
 */
package io.gpuagent.nvml.sim;
