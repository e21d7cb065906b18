package io.gpuagent.agent;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tighter heap once the start-up is over, when the launcher asks for it with {@value #PROPERTY}
 * ({@code <min>,<max>}: the percentages of the old generation a collection leaves free). The
 * launcher starts the JVM with 20-40 % so the start-up (class loading, warm-ups, the first samples)
 * is not collected every few hundred milliseconds. After it the agent promotes some tens of KiB a
 * minute: less free space then costs a full collection about once an hour, and the one full
 * collection made here, {@link #DELAY} after the agent is ready, gives back what the start-up left
 * committed (with {@code -XX:-ShrinkHeapInSteps}, at once).
 */
final class HeapAfterStartUp {
  static final String PROPERTY = "gpuagent.heapFreeAfterStartUp";
  static final Duration DELAY = Duration.ofSeconds(30);
  private static final Logger LOG = LoggerFactory.getLogger(HeapAfterStartUp.class);

  private HeapAfterStartUp() {}

  /** The free-space bounds of {@code value}, e.g. {@code 10,20}; empty when malformed. */
  record FreeRatios(int min, int max) {
    static Optional<FreeRatios> parse(String value) {
      String[] parts = value.split(",", -1);
      if (parts.length != 2) {
        return Optional.empty();
      }
      try {
        int min = Integer.parseInt(parts[0].strip());
        int max = Integer.parseInt(parts[1].strip());
        return 0 <= min && min <= max && max <= 100
            ? Optional.of(new FreeRatios(min, max))
            : Optional.empty();
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
  }

  /**
   * Applies {@value #PROPERTY}, if set, {@code delay} from now on a thread of its own: the warm-ups
   * (the device plugin's background rounds wait for a quiet kubelet) are over by then, and what
   * they left is garbage.
   */
  static void applyLater(Duration delay) {
    if (System.getProperty(PROPERTY) == null) {
      return;
    }
    Thread thread =
        new Thread(
            () -> {
              try {
                Thread.sleep(delay.toMillis());
                applyIfAsked();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "gpu-agent-heap");
    thread.setDaemon(true);
    thread.start();
  }

  /** Applies {@value #PROPERTY} if set, then collects once; a bad value is one warning. */
  static void applyIfAsked() {
    String value = System.getProperty(PROPERTY);
    if (value == null || value.isBlank()) {
      return;
    }
    Optional<FreeRatios> ratios = FreeRatios.parse(value);
    if (ratios.isEmpty()) {
      LOG.atWarn()
          .setMessage("heap-not-tightened")
          .addKeyValue("reason", PROPERTY + " must be <min>,<max> with 0 <= min <= max <= 100")
          .addKeyValue("value", value)
          .log();
      return;
    }
    HotSpotDiagnosticMXBean hotSpot =
        ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    int min = ratios.get().min();
    int max = ratios.get().max();
    try {
      // HotSpot refuses a minimum above the maximum in force, and the other way round
      boolean minFirst =
          min <= Integer.parseInt(hotSpot.getVMOption("MaxHeapFreeRatio").getValue());
      set(hotSpot, minFirst ? "MinHeapFreeRatio" : "MaxHeapFreeRatio", minFirst ? min : max);
      set(hotSpot, minFirst ? "MaxHeapFreeRatio" : "MinHeapFreeRatio", minFirst ? max : min);
    } catch (IllegalArgumentException e) {
      LOG.atWarn()
          .setMessage("heap-not-tightened")
          .addKeyValue("reason", e.getMessage())
          .addKeyValue("value", value)
          .log();
      return;
    }
    long before = committedHeap();
    System.gc();
    LOG.atInfo()
        .setMessage("heap-tightened")
        .addKeyValue("minFreePercent", min)
        .addKeyValue("maxFreePercent", max)
        .addKeyValue("committedMiBBefore", before >> 20)
        .addKeyValue("committedMiB", committedHeap() >> 20)
        .log();
  }

  private static void set(HotSpotDiagnosticMXBean hotSpot, String option, int value) {
    hotSpot.setVMOption(option, Integer.toString(value));
  }

  private static long committedHeap() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
  }
}
