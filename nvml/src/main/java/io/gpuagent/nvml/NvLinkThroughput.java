package io.gpuagent.nvml;

import java.util.Optional;

/** NVLink data counters in KiB ({@code NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_TX/RX}). */
public record NvLinkThroughput(long txKiB, long rxKiB) {

  /** The counters of every link of {@code device} added up, one query per link. */
  public static Optional<NvLinkThroughput> sumPerLink(NvmlDevice device) {
    Optional<NvLinkThroughput> total = Optional.empty();
    for (int link = 0; link < NvmlDevice.MAX_NVLINKS; link++) {
      Optional<NvLinkThroughput> one = device.nvLinkThroughput(link);
      if (one.isPresent()) {
        total = Optional.of(total.map(sum -> sum.plus(one.get())).orElse(one.get()));
      }
    }
    return total;
  }

  public NvLinkThroughput plus(NvLinkThroughput other) {
    return new NvLinkThroughput(txKiB + other.txKiB, rxKiB + other.rxKiB);
  }
}
