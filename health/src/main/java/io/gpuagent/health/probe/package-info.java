/**
 * Probes: small CUDA tests run against one device in a child process, with the one-line JSON
 * protocol ({@link io.gpuagent.health.probe.ProbeResult}) the child answers with.
 */
package io.gpuagent.health.probe;
