package io.gpuagent.deviceplugin.sharing.quota;

import io.gpuagent.deviceplugin.sharing.Enforcement;
import io.gpuagent.deviceplugin.sharing.SharedDevice;
import io.gpuagent.podresources.ContainerRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A GPU's policy for a holder over its quota, with what spans samples: violation episodes (one log
 * line and one count each, however many samples they last) and the processes sent SIGTERM. With
 * {@code kill}, the offending processes are the holder's largest, taken until the rest fits its
 * quota: SIGTERM now, SIGKILL at the first sample after the grace period if still running. No other
 * process is signalled. Called by the monitor's one sampling thread.
 */
final class QuotaEnforcer {
  private static final Logger LOG = LoggerFactory.getLogger(QuotaEnforcer.class);

  private final ProcessSignals signals;
  private final Duration grace;
  private final Clock clock;
  private final Map<HolderKey, Episodes> episodes = new HashMap<>();
  private final Map<Integer, Instant> terminatedAt = new HashMap<>();
  private final Set<Integer> killed = new HashSet<>();

  /** A holder of a device: its container, or its shares when the kubelet does not name it. */
  record HolderKey(String uuid, Object holder) {}

  private static final class Episodes {
    long count;
    boolean over;
  }

  QuotaEnforcer(ProcessSignals signals, Duration grace, Clock clock) {
    this.signals = signals;
    this.grace = grace;
    this.clock = clock;
  }

  /** Applies the device's policy to one holder; returns its violation episodes so far. */
  long apply(
      HolderKey key,
      SharedDevice device,
      Optional<ContainerRef> container,
      long usedBytes,
      long quotaBytes,
      List<QuotaReport.ProcessUse> processes) {
    Episodes state = episodes.computeIfAbsent(key, k -> new Episodes());
    boolean over = quotaBytes > 0 && usedBytes > quotaBytes;
    if (over && !state.over) {
      state.count++;
      LOG.atWarn()
          .setMessage("quota-exceeded")
          .addKeyValue("uuid", device.uuid())
          .addKeyValue("pod", container.map(c -> c.namespace() + "/" + c.pod()).orElse("unknown"))
          .addKeyValue("container", container.map(ContainerRef::container).orElse("unknown"))
          .addKeyValue("usedBytes", usedBytes)
          .addKeyValue("quotaBytes", quotaBytes)
          .addKeyValue("pids", processes.stream().map(QuotaReport.ProcessUse::pid).toList())
          .addKeyValue("enforcement", device.enforcement().word())
          .log();
    }
    state.over = over;
    if (over && device.enforcement() == Enforcement.KILL) {
      offenders(processes, usedBytes, quotaBytes).forEach(p -> end(device, container, p));
    }
    return state.count;
  }

  /**
   * Forgets holders and processes that are gone, so state does not grow without end; the holders of
   * a device that could not be read this time are kept (their counts must not restart).
   */
  void retain(Set<HolderKey> holderKeys, Set<String> unreadDevices, Set<Integer> runningPids) {
    episodes.keySet().removeIf(k -> !holderKeys.contains(k) && !unreadDevices.contains(k.uuid()));
    terminatedAt.keySet().retainAll(runningPids);
    killed.retainAll(runningPids);
  }

  private static List<QuotaReport.ProcessUse> offenders(
      List<QuotaReport.ProcessUse> processes, long usedBytes, long quotaBytes) {
    List<QuotaReport.ProcessUse> largestFirst = new ArrayList<>(processes);
    largestFirst.sort(
        Comparator.comparingLong(QuotaReport.ProcessUse::usedBytes)
            .reversed()
            .thenComparing(Comparator.comparingInt(QuotaReport.ProcessUse::pid).reversed()));
    List<QuotaReport.ProcessUse> chosen = new ArrayList<>();
    long remaining = usedBytes;
    for (QuotaReport.ProcessUse p : largestFirst) {
      if (remaining <= quotaBytes) {
        break;
      }
      chosen.add(p);
      remaining -= p.usedBytes();
    }
    return chosen;
  }

  private void end(
      SharedDevice device, Optional<ContainerRef> container, QuotaReport.ProcessUse p) {
    Instant now = clock.instant();
    Instant termed = terminatedAt.get(p.pid());
    if (termed == null) {
      boolean sent = signals.terminate(p.pid());
      terminatedAt.put(p.pid(), now);
      log("quota-process-terminated", device, container, p, sent);
    } else if (!killed.contains(p.pid()) && !now.isBefore(termed.plus(grace))) {
      boolean sent = signals.kill(p.pid());
      killed.add(p.pid());
      log("quota-process-killed", device, container, p, sent);
    }
  }

  private static void log(
      String event,
      SharedDevice device,
      Optional<ContainerRef> container,
      QuotaReport.ProcessUse p,
      boolean sent) {
    LOG.atWarn()
        .setMessage(event)
        .addKeyValue("uuid", device.uuid())
        .addKeyValue("pod", container.map(c -> c.namespace() + "/" + c.pod()).orElse("unknown"))
        .addKeyValue("pid", p.pid())
        .addKeyValue("usedBytes", p.usedBytes())
        .addKeyValue("signalled", sent)
        .log();
  }
}
