package io.gpuagent.nvml.health;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Why a device is unhealthy, as a small set of words fit for a metric label. Two families: a
 * <em>condition</em> is a state NVML reports every cycle (it ends when NVML stops reporting it); an
 * <em>event</em> happens once (its cause is over at once, and passing probes bring the device
 * back).
 */
public enum HealthReason {
  /** An XID not on the ignore list (by default: not of the application class). */
  XID("xid", false),
  /**
   * The volatile uncorrected ECC count grew between polls. A double-bit ECC <em>event</em> alone
   * does not decide: it carries no count, and the XID the driver raises with it does.
   */
  ECC_UNCORRECTABLE("ecc-uncorrectable", false),
  /** A row could not be remapped: the memory is out of spare rows. */
  ROW_REMAP_FAILURE("row-remap-failure", true),
  /** A row remap waits for a GPU reset. */
  ROW_REMAP_PENDING("row-remap-pending", true),
  /** A probe found the device computing or remembering wrongly, or CUDA reported a GPU fault. */
  PROBE_FAILED("probe-failed", false),
  /** A probe did not finish before its deadline. */
  PROBE_HUNG("probe-hung", false),
  /** NVML answers GPU_IS_LOST (fallen off the bus) or the inventory could not read the GPU. */
  GPU_LOST("gpu-lost", true);

  private final String label;
  private final boolean condition;

  HealthReason(String label, boolean condition) {
    this.label = label;
    this.condition = condition;
  }

  /** The word for logs, the API and metric labels, e.g. {@code probe-hung}. */
  public String label() {
    return label;
  }

  /** True for a state NVML reports each cycle, false for a one-off event. */
  public boolean isCondition() {
    return condition;
  }

  /**
   * @throws IllegalArgumentException naming the word and the known ones
   */
  public static HealthReason fromLabel(String label) {
    String wanted = label.trim().toLowerCase(Locale.ROOT);
    for (HealthReason reason : values()) {
      if (reason.label.equals(wanted)) {
        return reason;
      }
    }
    throw new IllegalArgumentException(
        "unknown health reason \""
            + label
            + "\"; known: "
            + Arrays.stream(values()).map(HealthReason::label).collect(Collectors.joining(", ")));
  }
}
