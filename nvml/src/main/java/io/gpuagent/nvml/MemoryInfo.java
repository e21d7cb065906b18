package io.gpuagent.nvml;

/** Frame-buffer memory in bytes ({@code nvmlMemory_v2_t}). */
public record MemoryInfo(long totalBytes, long reservedBytes, long freeBytes, long usedBytes) {}
