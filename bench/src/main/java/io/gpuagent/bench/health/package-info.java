/**
 * Health benchmarks, run from the repository root after {@code mvn -B -q install -DskipTests}:
 *
 * <ul>
 *   <li>{@link io.gpuagent.bench.health.XidToListAndWatch}: an injected XID to the GPU shown
 *       Unhealthy on the kubelet's ListAndWatch stream, the agent in-process (target p99 &lt; 100
 *       ms), and a GPU reset back to Healthy;
 *   <li>{@link io.gpuagent.bench.health.ProbeCpuCost}: the CPU of health probes run as child JVMs,
 *       per probe and as the steady share of one core for 8 GPUs probed every 5 minutes.
 * </ul>
 */
package io.gpuagent.bench.health;
