package io.gpuagent.health;

import io.gpuagent.health.probe.ProbeResult;
import io.gpuagent.nvml.health.HealthReason;
import io.gpuagent.nvml.health.HealthState;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The health of one device and the rules that move it. Unhealthy on any cause; healthy again only
 * when no condition is in force, no sticky reason waits for a reset, and {@code passesToRecover}
 * probes have passed in a row since the cause ended. Where no probe can run on the device (probing
 * off, or the probe answers UNAVAILABLE) the passes are waived for conditions, which have a visible
 * end, but not for events: those then last until a GPU reset. A probe that could not judge the
 * device (ERROR) changes nothing but its count. Not thread-safe: {@link HealthBook} holds its lock
 * around every call.
 */
final class DeviceHealthMachine {
  static final int HISTORY = 16;
  static final int PROBES_KEPT = 8;

  private final String uuid;
  private final Optional<String> gpuUuid;
  private final HealthConfig config;
  private HealthState state;

  /** Conditions in force now, with the evidence that showed them. */
  private final Map<HealthReason, String> conditions = new EnumMap<>(HealthReason.class);

  /** Events since the device was last healthy; passes (or a reset) work them off. */
  private final Set<HealthReason> events = EnumSet.noneOf(HealthReason.class);

  /** Sticky reasons seen since the last reset. */
  private final Set<HealthReason> stuck = EnumSet.noneOf(HealthReason.class);

  private int passes;
  private long probeErrors;
  private final ArrayDeque<ProbeRun> probes = new ArrayDeque<>();
  private final ArrayDeque<HealthTransition> history = new ArrayDeque<>();
  private final Map<Integer, Long> xids = new TreeMap<>();

  DeviceHealthMachine(String uuid, Optional<String> gpuUuid, HealthConfig config, Instant now) {
    this.uuid = uuid;
    this.gpuUuid = gpuUuid;
    this.config = config;
    this.state = new HealthState.Healthy(now);
  }

  /** A MIG device made on a GPU that is unhealthy starts with its GPU's causes. */
  Optional<HealthTransition> inheritFrom(DeviceHealthMachine gpu, Instant now) {
    conditions.putAll(gpu.conditions);
    events.addAll(gpu.events);
    stuck.addAll(gpu.stuck);
    if (gpu.state instanceof HealthState.Unhealthy bad) {
      return becomeUnhealthy(bad.reason(), "as its GPU: " + bad.evidence(), now);
    }
    return Optional.empty();
  }

  String uuid() {
    return uuid;
  }

  HealthState state() {
    return state;
  }

  /** A one-off cause: an XID, uncorrectable ECC errors, a failed or hung probe. */
  Optional<HealthTransition> event(HealthReason reason, String evidence, Instant now) {
    events.add(reason);
    noteSticky(reason);
    passes = 0;
    return becomeUnhealthy(reason, evidence, now);
  }

  /** A condition NVML reports (or stopped reporting) this cycle. */
  Optional<HealthTransition> condition(
      HealthReason reason, boolean present, String evidence, Instant now, boolean probesCanRun) {
    if (present) {
      boolean fresh = conditions.put(reason, evidence) == null;
      noteSticky(reason);
      passes = 0;
      return fresh || state.isHealthy() ? becomeUnhealthy(reason, evidence, now) : Optional.empty();
    }
    if (conditions.remove(reason) == null) {
      return Optional.empty();
    }
    return tryRecover(now, probesCanRun, reason.label() + " ended");
  }

  /** A probe of this device finished. */
  Optional<HealthTransition> probed(ProbeRun run, ProbeMode mode) {
    remember(run);
    boolean probesCanRun = probesCanRun(mode);
    ProbeResult result = run.result();
    return switch (result.outcome()) {
      case PASSED -> pass(run.at(), probesCanRun);
      case FAILED -> event(HealthReason.PROBE_FAILED, probeEvidence(run), run.at());
      case HUNG -> event(HealthReason.PROBE_HUNG, probeEvidence(run), run.at());
      case UNAVAILABLE -> tryRecover(run.at(), probesCanRun, "no probe can run");
      case ERROR -> {
        probeErrors++;
        yield Optional.empty(); // the probe could not judge the GPU: nothing changes
      }
    };
  }

  /**
   * A probe of one of this GPU's MIG devices finished: in MIG mode the GPU itself cannot be probed,
   * so its instances' passes count as its own, and a failure on one restarts the count.
   */
  Optional<HealthTransition> partProbed(ProbeRun run, boolean probesCanRun) {
    return switch (run.result().outcome()) {
      case PASSED -> pass(run.at(), probesCanRun);
      case FAILED, HUNG -> {
        passes = 0;
        yield Optional.empty();
      }
      case UNAVAILABLE -> tryRecover(run.at(), probesCanRun, "no probe can run");
      case ERROR -> Optional.empty();
    };
  }

  /** The GPU was reset: events and sticky reasons are over; conditions are polled afresh. */
  Optional<HealthTransition> reset(Instant now, boolean probesCanRun) {
    events.clear();
    stuck.clear();
    passes = 0;
    return tryRecover(now, probesCanRun, "GPU reset");
  }

  void countXid(int xid) {
    xids.merge(xid, 1L, Long::sum);
  }

  /** Whether the last probe could run; before any, whether the mode schedules probes at all. */
  boolean probesCanRun(ProbeMode mode) {
    ProbeRun last = probes.peekLast();
    if (last == null) {
      return mode != ProbeMode.NEVER;
    }
    return last.result().outcome() != ProbeResult.Outcome.UNAVAILABLE;
  }

  DeviceHealthView view() {
    Set<HealthReason> blockers = EnumSet.noneOf(HealthReason.class);
    blockers.addAll(conditions.keySet());
    blockers.addAll(stuck);
    return new DeviceHealthView(
        uuid,
        gpuUuid,
        state,
        blockers,
        passes,
        config.passesToRecover(),
        probes.stream().toList(),
        xids,
        probeErrors,
        history.stream().toList());
  }

  private Optional<HealthTransition> pass(Instant now, boolean probesCanRun) {
    if (state.isHealthy() || !conditions.isEmpty()) {
      return Optional.empty();
    }
    passes++;
    return tryRecover(now, probesCanRun, passes + " passing probes in a row");
  }

  private Optional<HealthTransition> tryRecover(Instant now, boolean probesCanRun, String why) {
    if (state.isHealthy() || !conditions.isEmpty() || !stuck.isEmpty()) {
      return Optional.empty();
    }
    boolean passed = passes >= config.passesToRecover();
    if (!passed && (probesCanRun || !events.isEmpty())) {
      return Optional.empty();
    }
    events.clear();
    passes = 0;
    return Optional.of(record(new HealthState.Healthy(now), why));
  }

  /** Unhealthy since the first cause; a different cause while unhealthy changes the reason. */
  private Optional<HealthTransition> becomeUnhealthy(
      HealthReason reason, String evidence, Instant now) {
    if (state instanceof HealthState.Unhealthy bad) {
      if (bad.reason() == reason) {
        state = new HealthState.Unhealthy(reason, evidence, bad.since());
        return Optional.empty();
      }
      return Optional.of(
          record(new HealthState.Unhealthy(reason, evidence, bad.since()), evidence));
    }
    return Optional.of(record(new HealthState.Unhealthy(reason, evidence, now), evidence));
  }

  private HealthTransition record(HealthState next, String evidence) {
    HealthTransition transition = new HealthTransition(uuid, state, next, evidence);
    state = next;
    history.addLast(transition);
    if (history.size() > HISTORY) {
      history.removeFirst();
    }
    return transition;
  }

  private void remember(ProbeRun run) {
    probes.addLast(run);
    if (probes.size() > PROBES_KEPT) {
      probes.removeFirst();
    }
  }

  private void noteSticky(HealthReason reason) {
    if (config.stickyReasons().contains(reason)) {
      stuck.add(reason);
    }
  }

  private static String probeEvidence(ProbeRun run) {
    ProbeResult result = run.result();
    StringBuilder text =
        new StringBuilder()
            .append(run.kind().word())
            .append(" probe ")
            .append(result.outcome().name().toLowerCase(Locale.ROOT))
            .append(" after ")
            .append(result.duration().toMillis())
            .append(" ms");
    if (result.mismatches() > 0) {
      text.append(", ").append(result.mismatches()).append(" mismatches");
    }
    if (!result.detail().isEmpty()) {
      text.append(": ").append(result.detail());
    }
    return text.toString();
  }
}
