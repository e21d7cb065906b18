package io.gpuagent.nvml;

/** NVLink data counters of one link in KiB ({@code NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_TX/RX}). */
public record NvLinkThroughput(long txKiB, long rxKiB) {}
