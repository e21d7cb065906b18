/** Benchmarks. */
package io.gpuagent.bench;
