package io.gpuagent.exporter.events;

import java.util.Map;

/**
 * Short descriptions of the XIDs operators meet most, for dcgm-exporter's {@code err_msg} label
 * (NVIDIA's XID catalogue has the full list). Others read "Unknown Error"; 0 means none yet.
 */
public final class XidNames {
  private static final Map<Integer, String> NAMES =
      Map.ofEntries(
          Map.entry(0, "No Error"),
          Map.entry(13, "Graphics Engine Exception"),
          Map.entry(31, "GPU memory page fault"),
          Map.entry(43, "GPU stopped processing"),
          Map.entry(45, "Preemptive cleanup, due to previous errors"),
          Map.entry(48, "Double Bit ECC Error"),
          Map.entry(61, "Internal micro-controller breakpoint/warning"),
          Map.entry(62, "Internal micro-controller halt"),
          Map.entry(63, "ECC page retirement or row remapping recording event"),
          Map.entry(64, "ECC page retirement or row remapper recording failure"),
          Map.entry(68, "NVDEC0 Exception"),
          Map.entry(74, "NVLINK Error"),
          Map.entry(79, "GPU has fallen off the bus"),
          Map.entry(92, "High single-bit ECC error rate"),
          Map.entry(94, "Contained ECC error"),
          Map.entry(95, "Uncontained ECC error"),
          Map.entry(109, "Context Switch Timeout Error"),
          Map.entry(119, "GSP RPC Timeout"),
          Map.entry(120, "GSP Error"),
          Map.entry(140, "Unrecovered ECC Error"));

  private XidNames() {}

  public static String describe(long xid) {
    return xid >= 0 && xid <= Integer.MAX_VALUE
        ? NAMES.getOrDefault((int) xid, "Unknown Error")
        : "Unknown Error";
  }
}
