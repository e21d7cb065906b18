/** The typed NVML facade. */
package io.gpuagent.nvml;
