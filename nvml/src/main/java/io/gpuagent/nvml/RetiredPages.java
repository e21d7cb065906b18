package io.gpuagent.nvml;

/** Retired pages by cause, and whether a retirement waits for the next reset. */
public record RetiredPages(int singleBitEcc, int doubleBitEcc, boolean pending) {}
