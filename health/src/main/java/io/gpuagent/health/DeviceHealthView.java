package io.gpuagent.health;

import io.gpuagent.nvml.health.HealthReason;
import io.gpuagent.nvml.health.HealthState;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What the health module knows of one device, as of one moment.
 *
 * @param uuid a GPU or MIG device UUID
 * @param gpuUuid the GPU a MIG device belongs to; empty for a GPU
 * @param state healthy, or unhealthy with the latest reason and since when
 * @param blockers what keeps an unhealthy device from recovering now: conditions still in force and
 *     sticky reasons waiting for a GPU reset (empty once only passes are missing)
 * @param passes consecutive passing probes since the cause ended, while unhealthy
 * @param passesToRecover passes needed to be healthy again
 * @param probes the latest probes, oldest first (a few)
 * @param xidCounts every XID seen on this device since the agent started, ignored ones too
 * @param probeErrors probes since the agent started that could not judge the device (outcome ERROR:
 *     the child died without a result, CUDA reported the environment)
 * @param history the latest transitions, oldest first (at most {@value
 *     DeviceHealthMachine#HISTORY})
 */
public record DeviceHealthView(
    String uuid,
    Optional<String> gpuUuid,
    HealthState state,
    Set<HealthReason> blockers,
    int passes,
    int passesToRecover,
    List<ProbeRun> probes,
    Map<Integer, Long> xidCounts,
    long probeErrors,
    List<HealthTransition> history) {

  public DeviceHealthView {
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(gpuUuid, "gpuUuid");
    Objects.requireNonNull(state, "state");
    blockers = Set.copyOf(blockers);
    probes = List.copyOf(probes);
    xidCounts = Map.copyOf(xidCounts);
    history = List.copyOf(history);
  }

  public boolean healthy() {
    return state.isHealthy();
  }

  /** The reason while unhealthy. */
  public Optional<HealthReason> reason() {
    return state instanceof HealthState.Unhealthy bad
        ? Optional.of(bad.reason())
        : Optional.empty();
  }

  public Optional<ProbeRun> lastProbe() {
    return probes.isEmpty() ? Optional.empty() : Optional.of(probes.get(probes.size() - 1));
  }
}
