package io.gpuagent.nvml;

/**
 * Row remapping state ({@code nvmlDeviceGetRemappedRows}). {@code pending}: a remap waits for a GPU
 * reset; {@code failure}: a row could not be remapped (the GPU should be replaced).
 */
public record RemappedRows(int correctable, int uncorrectable, boolean pending, boolean failure) {}
