package io.gpuagent.mig;

import io.gpuagent.nvml.ComputeInstance;
import io.gpuagent.nvml.ComputeInstanceProfile;
import io.gpuagent.nvml.GpuInstance;
import io.gpuagent.nvml.MigMode;
import io.gpuagent.nvml.Nvml;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.NvmlException;
import io.gpuagent.nvml.ProcessInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Applies one GPU's plan as a transaction: a GPU already in its layout is not touched; a GPU to
 * change is withdrawn from the device plugin first and refused, unchanged, if pods or processes
 * still use it after {@code drainWait}; a MIG mode change waits for a GPU reset unless resets are
 * allowed; then the old instances are destroyed and the new ones created at the solved placements,
 * and any failure puts the previous layout back. Only this GPU is touched.
 */
final class GpuApplier {
  /** {@code NVML_COMPUTE_INSTANCE_PROFILE_*} indices run 0..7. */
  private static final int COMPUTE_PROFILE_INDEX_COUNT = 8;

  private static final Duration POLL = Duration.ofMillis(100);

  private final Nvml nvml;
  private final GpuDrain drain;
  private final GpuReset reset;
  private final boolean allowReset;
  private final Duration drainWait;

  GpuApplier(Nvml nvml, GpuDrain drain, GpuReset reset, boolean allowReset, Duration drainWait) {
    this.nvml = nvml;
    this.drain = drain;
    this.reset = reset;
    this.allowReset = allowReset;
    this.drainWait = drainWait;
  }

  GpuOutcome apply(GpuPlan plan) {
    GpuLayout current = plan.current();
    return switch (plan.action()) {
      case KEEP -> outcome(current, GpuOutcome.Outcome.KEPT, plan.reason(), current);
      case UNCHANGED -> outcome(current, GpuOutcome.Outcome.UNCHANGED, plan.reason(), current);
      case REFUSE -> outcome(current, GpuOutcome.Outcome.REFUSED, plan.reason(), current);
      case CHANGE -> changeOrReport(plan);
    };
  }

  /** A GPU that cannot be read or drained (lost, no permission) fails alone; the others go on. */
  private GpuOutcome changeOrReport(GpuPlan plan) {
    try {
      return change(plan);
    } catch (NvmlException e) {
      return outcome(plan.current(), GpuOutcome.Outcome.FAILED, e.getMessage(), plan.current());
    }
  }

  private GpuOutcome change(GpuPlan plan) {
    NvmlDevice gpu = nvml.deviceByUuid(plan.current().uuid());
    drain.withdraw(gpu.uuid());
    try {
      Optional<String> users = awaitIdle(gpu);
      GpuLayout before = GpuLayout.read(gpu);
      if (users.isPresent()) {
        return outcome(
            before,
            GpuOutcome.Outcome.REFUSED,
            "in use by "
                + users.get()
                + " after waiting "
                + drainWait.toMillis()
                + " ms; nothing changed",
            before);
      }
      try {
        return relayout(gpu, plan, before);
      } catch (NvmlException | IllegalStateException e) {
        String rollback = rollBack(gpu, before);
        return outcome(
            before, GpuOutcome.Outcome.FAILED, e.getMessage() + "; " + rollback, read(gpu, before));
      }
    } finally {
      drain.restore(gpu.uuid());
    }
  }

  private GpuOutcome relayout(NvmlDevice gpu, GpuPlan plan, GpuLayout before) {
    if (!setMode(gpu, plan.migEnabled())) {
      return outcome(
          before,
          GpuOutcome.Outcome.PENDING_RESET,
          "MIG mode "
              + (plan.migEnabled() ? "on" : "off")
              + " waits for a GPU reset (mig.allowReset is false)",
          GpuLayout.read(gpu));
    }
    if (!plan.migEnabled()) {
      return outcome(before, GpuOutcome.Outcome.APPLIED, "MIG off", GpuLayout.read(gpu));
    }
    destroyAll(gpu);
    for (MigInstance instance : plan.instances()) {
      create(gpu, instance);
    }
    GpuLayout after = GpuLayout.read(gpu);
    return outcome(
        before,
        GpuOutcome.Outcome.APPLIED,
        after.instances().isEmpty()
            ? "MIG on, no instances"
            : after.instances().stream()
                .map(MigInstance::toString)
                .collect(Collectors.joining(" ")),
        after);
  }

  /** Sets the MIG mode, resetting the GPU when allowed; false when it waits for a reset. */
  private boolean setMode(NvmlDevice gpu, boolean enabled) {
    MigMode mode = gpu.migMode().orElseThrow();
    if (mode.current() == enabled && mode.pending() == enabled) {
      return true;
    }
    gpu.setMigMode(enabled);
    if (gpu.migMode().orElseThrow().current() == enabled) {
      return true;
    }
    if (!allowReset) {
      return false;
    }
    reset.reset(gpu);
    if (gpu.migMode().orElseThrow().current() != enabled) {
      throw new IllegalStateException(
          "MIG mode is still " + (enabled ? "off" : "on") + " after the GPU reset");
    }
    return true;
  }

  private String rollBack(NvmlDevice gpu, GpuLayout before) {
    try {
      if (!setMode(gpu, before.migEnabled())) {
        return "MIG mode "
            + (before.migEnabled() ? "on" : "off")
            + " is back as pending and waits for a GPU reset";
      }
      if (before.migEnabled()) {
        destroyAll(gpu);
        for (MigInstance instance : before.instances()) {
          create(gpu, instance);
        }
      }
      return "rolled back to the previous layout";
    } catch (RuntimeException e) {
      return "rollback failed too: " + e.getMessage();
    }
  }

  private static void destroyAll(NvmlDevice gpu) {
    for (GpuInstance instance : gpu.allGpuInstances()) {
      for (int index = 0; index < COMPUTE_PROFILE_INDEX_COUNT; index++) {
        Optional<ComputeInstanceProfile> profile = instance.computeInstanceProfile(index);
        if (profile.isPresent()) {
          instance.computeInstances(profile.get().id()).forEach(ComputeInstance::destroy);
        }
      }
      instance.destroy();
    }
  }

  /** One GPU instance at its placement, with one compute instance spanning it. */
  private static void create(NvmlDevice gpu, MigInstance wanted) {
    GpuInstance instance = gpu.createGpuInstance(wanted.profileId(), wanted.placement());
    ComputeInstanceProfile whole = null;
    for (int index = 0; index < COMPUTE_PROFILE_INDEX_COUNT; index++) {
      Optional<ComputeInstanceProfile> profile = instance.computeInstanceProfile(index);
      if (profile.isPresent()
          && (whole == null || profile.get().sliceCount() > whole.sliceCount())) {
        whole = profile.get();
      }
    }
    if (whole == null) {
      throw new IllegalStateException("GPU instance " + wanted + " offers no compute instance");
    }
    instance.createComputeInstance(whole.id());
  }

  /** Waits up to {@code drainWait} for no pod to hold and no process to run on the GPU. */
  private Optional<String> awaitIdle(NvmlDevice gpu) {
    long deadline = System.nanoTime() + drainWait.toNanos();
    while (true) {
      List<String> users = users(gpu);
      if (users.isEmpty()) {
        return Optional.empty();
      }
      if (System.nanoTime() - deadline >= 0) {
        return Optional.of(String.join(", ", users));
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.of(String.join(", ", users) + " (interrupted)");
      }
    }
  }

  private List<String> users(NvmlDevice gpu) {
    List<String> devices = new ArrayList<>();
    devices.add(gpu.uuid());
    if (gpu.migMode().map(MigMode::current).orElse(false)) {
      gpu.migDevices().forEach(device -> devices.add(device.uuid()));
    }
    List<String> users = new ArrayList<>();
    drain.holders(devices).forEach(pod -> users.add("pod " + pod));
    for (ProcessInfo process : gpu.computeRunningProcesses()) {
      users.add("pid " + process.pid());
    }
    return users;
  }

  private static GpuLayout read(NvmlDevice gpu, GpuLayout fallback) {
    try {
      return GpuLayout.read(gpu);
    } catch (NvmlException e) {
      return fallback;
    }
  }

  private static GpuOutcome outcome(
      GpuLayout gpu, GpuOutcome.Outcome outcome, String reason, GpuLayout after) {
    return new GpuOutcome(gpu.index(), gpu.uuid(), outcome, reason, after);
  }
}
