package io.gpuagent.nvml.sim;

import io.gpuagent.nvml.EventType;
import io.gpuagent.nvml.sim.GpuModel.Feature;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The faults in force on a simulated node, and what injecting and clearing each one does to the
 * GPUs. Runs under the node's lock. A fault that makes no sense on its target (a MIG device cannot
 * fall off the bus alone; an L40S has no HBM to remap) is refused with one line.
 */
final class SimFaults {

  private final SimulatedNode node;
  private final List<ActiveFault> active = new ArrayList<>();
  private final Map<ActiveFault, Integer> creationsSeen = new HashMap<>();

  SimFaults(SimulatedNode node) {
    this.node = node;
  }

  List<ActiveFault> active() {
    return List.copyOf(active);
  }

  void inject(SimDeviceRef target, SimFault fault) {
    if (active.size() >= SimulatedNode.MAX_ACTIVE_FAULTS) {
      throw new IllegalArgumentException(
          "at most "
              + SimulatedNode.MAX_ACTIVE_FAULTS
              + " faults can be active at once; clear some first");
    }
    apply(target, fault);
    active.add(new ActiveFault(target.uuid(), fault, node.instant()));
  }

  /** Ends every fault on the device: processes exit, latency and lost go away. */
  void clear(SimDeviceRef target) {
    List<ActiveFault> ending =
        active.stream().filter(f -> f.deviceUuid().equals(target.uuid())).toList();
    for (ActiveFault fault : ending) {
      undo(target, fault.fault());
    }
    active.removeAll(ending);
    ending.forEach(creationsSeen::remove);
  }

  /** The delay a call on this device waits first: the longest latency on it or its GPU. */
  Duration latency(SimGpu gpu, Optional<SimComputeInstance> instance) {
    Duration delay = Duration.ZERO;
    for (ActiveFault fault : active) {
      boolean applies =
          fault.deviceUuid().equals(gpu.uuid)
              || instance.map(ci -> ci.uuid().equals(fault.deviceUuid())).orElse(false);
      if (applies
          && fault.fault() instanceof SimFault.Latency latency
          && latency.delay().compareTo(delay) > 0) {
        delay = latency.delay();
      }
    }
    return delay;
  }

  /**
   * Whether this MIG instance creation on the GPU is the one a {@link SimFault.MigCreateFailure}
   * fails; a fault that fired is spent and leaves the list.
   */
  boolean failsMigCreation(SimGpu gpu) {
    for (ActiveFault fault : List.copyOf(active)) {
      if (fault.deviceUuid().equals(gpu.uuid)
          && fault.fault() instanceof SimFault.MigCreateFailure failure) {
        int seen = creationsSeen.merge(fault, 1, Integer::sum);
        if (seen > failure.after()) {
          creationsSeen.remove(fault);
          active.remove(fault);
          return true;
        }
      }
    }
    return false;
  }

  /** Whether a fault of this kind is in force on the GPU itself. */
  boolean has(SimGpu gpu, Class<? extends SimFault> kind) {
    return active.stream()
        .anyMatch(f -> f.deviceUuid().equals(gpu.uuid) && kind.isInstance(f.fault()));
  }

  /** The probe faults on a device and, for a MIG device, on its GPU, in injection order. */
  List<SimFault.ProbeFault> probeFaults(SimDeviceRef target) {
    List<SimFault.ProbeFault> found = new ArrayList<>();
    for (ActiveFault fault : active) {
      boolean applies =
          fault.deviceUuid().equals(target.gpu().uuid) || fault.deviceUuid().equals(target.uuid());
      if (applies && fault.fault() instanceof SimFault.ProbeFault probeFault) {
        found.add(probeFault);
      }
    }
    return List.copyOf(found);
  }

  /** A process that ended by a signal is no longer an active fault. */
  void processEnded(int pid) {
    active.removeIf(f -> f.fault() instanceof SimFault.Process p && p.pid() == pid);
  }

  /** A MIG device that no longer exists takes its faults with it. */
  void forget(String uuid) {
    active.removeIf(f -> f.deviceUuid().equals(uuid));
  }

  /**
   * After a GPU reset the GPU is back on the bus, a pending row remap is done and hung kernels are
   * gone; bad memory and slow kernels stay, as they would on hardware.
   */
  void afterReset(SimGpu gpu) {
    active.removeIf(
        f ->
            f.deviceUuid().equals(gpu.uuid)
                && (f.fault() instanceof SimFault.Lost
                    || f.fault() instanceof SimFault.RowRemapPending
                    || f.fault() instanceof SimFault.HungKernel));
  }

  private void apply(SimDeviceRef target, SimFault fault) {
    SimGpu gpu = target.gpu();
    if (fault instanceof SimFault.Xid xid) {
      node.events().publish(gpu, target.instance(), EventType.XID_CRITICAL_ERROR, xid.xid());
    } else if (fault instanceof SimFault.EccErrors ecc) {
      requireWholeGpu(target, fault);
      requireFeature(target, fault, Feature.ECC);
      gpu.addEccErrors(ecc.corrected(), ecc.uncorrected());
      // as on hardware, ECC events carry no count (eventData 0): the counters hold it
      if (ecc.corrected() > 0) {
        node.events().publish(gpu, Optional.empty(), EventType.SINGLE_BIT_ECC_ERROR, 0);
      }
      if (ecc.uncorrected() > 0) {
        node.events().publish(gpu, Optional.empty(), EventType.DOUBLE_BIT_ECC_ERROR, 0);
      }
    } else if (fault instanceof SimFault.RowRemapPending) {
      requireWholeGpu(target, fault);
      requireFeature(target, fault, Feature.REMAPPED_ROWS);
      gpu.setRemapPending(true);
    } else if (fault instanceof SimFault.RowRemapFailure) {
      requireWholeGpu(target, fault);
      requireFeature(target, fault, Feature.REMAPPED_ROWS);
      gpu.setRemapFailure(true);
    } else if (fault instanceof SimFault.Lost) {
      requireWholeGpu(target, fault);
      gpu.setLost(true);
    } else if (fault instanceof SimFault.Process process) {
      startProcess(target, process);
    } else if (fault instanceof SimFault.Unprivileged
        || fault instanceof SimFault.NoAllLinksScope
        || fault instanceof SimFault.MigCreateFailure) {
      requireWholeGpu(target, fault);
    } else if (!(fault instanceof SimFault.Latency || fault instanceof SimFault.ProbeFault)) {
      throw new IllegalArgumentException("unknown fault kind " + fault.kind());
    }
  }

  private void undo(SimDeviceRef target, SimFault fault) {
    SimGpu gpu = target.gpu();
    if (fault instanceof SimFault.Process process) {
      gpu.removeProcess(process.pid());
    } else if (fault instanceof SimFault.Lost) {
      gpu.setLost(false);
    } else if (fault instanceof SimFault.RowRemapPending) {
      gpu.setRemapPending(false);
    } else if (fault instanceof SimFault.RowRemapFailure) {
      gpu.setRemapFailure(false);
    }
  }

  private void startProcess(SimDeviceRef target, SimFault.Process process) {
    SimGpu gpu = target.gpu();
    String uuid = target.uuid();
    if (gpu.lost()) {
      throw new IllegalArgumentException(
          "cannot start pid " + process.pid() + " on " + uuid + ": the GPU is lost");
    }
    if (target.instance().isEmpty() && gpu.inMigMode()) {
      throw new IllegalArgumentException(
          uuid + " is in MIG mode: start process " + process.pid() + " on one of its MIG devices");
    }
    boolean pidTaken =
        node.gpus().stream()
            .flatMap(g -> g.processes().stream())
            .anyMatch(p -> p.pid() == process.pid());
    if (pidTaken) {
      throw new IllegalArgumentException("pid " + process.pid() + " already runs on this node");
    }
    long free =
        target
            .instance()
            .map(ci -> ci.gpuInstance().memory().freeBytes())
            .orElse(gpu.memoryInfo().freeBytes());
    if (gpu.needs(process.usedMemoryBytes()) > free) {
      throw new IllegalArgumentException(
          "pid "
              + process.pid()
              + " needs "
              + process.usedMemoryBytes()
              + " bytes and a CUDA context but "
              + uuid
              + " has "
              + free
              + " free");
    }
    gpu.addProcess(
        new SimProcess(
            process.pid(), process.usedMemoryBytes(), process.smPercent(), target.instance()));
  }

  private static void requireWholeGpu(SimDeviceRef target, SimFault fault) {
    if (target.instance().isPresent()) {
      throw new IllegalArgumentException(
          fault.kind()
              + " applies to a whole GPU: inject it on "
              + target.gpu().uuid
              + ", not "
              + target.uuid());
    }
  }

  private static void requireFeature(SimDeviceRef target, SimFault fault, Feature feature) {
    if (!target.gpu().model.supports(feature)) {
      throw new IllegalArgumentException(
          fault.kind()
              + " does not apply to "
              + target.uuid()
              + ": "
              + target.gpu().model.name()
              + " has no "
              + feature.key());
    }
  }
}
