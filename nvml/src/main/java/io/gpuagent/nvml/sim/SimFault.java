package io.gpuagent.nvml.sim;

import java.time.Duration;
import java.util.Map;

/**
 * A fault (or a simulated process) injected into a simulated device at run time. Targeted at a GPU
 * UUID or a MIG device UUID; a fault on a MIG device is reported with that instance's GPU-instance
 * and compute-instance ids, as the hardware does.
 */
public sealed interface SimFault {

  /** The short name used by the HTTP API and logs, e.g. {@code xid}. */
  String kind();

  /** The fault's values by the names the HTTP API uses, e.g. {@code xid=79}. */
  Map<String, Object> parameters();

  /** An XID error, delivered through event sets like a real one. */
  record Xid(int xid) implements SimFault {
    public Xid {
      if (xid <= 0) {
        throw new IllegalArgumentException("xid must be positive, got " + xid);
      }
    }

    @Override
    public String kind() {
      return "xid";
    }

    @Override
    public Map<String, Object> parameters() {
      return Map.of("xid", xid);
    }
  }

  /** ECC errors added to the volatile and aggregate counters, with their events. */
  record EccErrors(long corrected, long uncorrected) implements SimFault {
    public EccErrors {
      if (corrected < 0 || uncorrected < 0 || corrected + uncorrected == 0) {
        throw new IllegalArgumentException(
            "ecc needs corrected/uncorrected counts >= 0, not both 0; got "
                + corrected
                + "/"
                + uncorrected);
      }
    }

    @Override
    public String kind() {
      return "ecc";
    }

    @Override
    public Map<String, Object> parameters() {
      return Map.of("corrected", corrected, "uncorrected", uncorrected);
    }
  }

  /** A row remap waits for a GPU reset. */
  record RowRemapPending() implements SimFault {
    @Override
    public String kind() {
      return "row-remap-pending";
    }

    @Override
    public Map<String, Object> parameters() {
      return Map.of();
    }
  }

  /** A row could not be remapped. */
  record RowRemapFailure() implements SimFault {
    @Override
    public String kind() {
      return "row-remap-failure";
    }

    @Override
    public Map<String, Object> parameters() {
      return Map.of();
    }
  }

  /** The GPU fell off the bus: every call answers GPU_IS_LOST until it is reset. */
  record Lost() implements SimFault {
    @Override
    public String kind() {
      return "lost";
    }

    @Override
    public Map<String, Object> parameters() {
      return Map.of();
    }
  }

  /**
   * The agent runs unprivileged, without the {@code /dev/nvidia-caps} nodes: the GPU's MIG calls
   * that need them (instance lookups, create, destroy) answer NO_PERMISSION, as NVML does.
   */
  record Unprivileged() implements SimFault {
    @Override
    public String kind() {
      return "unprivileged";
    }

    @Override
    public Map<String, Object> parameters() {
      return Map.of();
    }
  }

  /**
   * A driver older than the all-links scope of NVLink field values ({@code UINT_MAX}): that scope
   * is refused with INVALID_ARGUMENT, links are read one by one.
   */
  record NoAllLinksScope() implements SimFault {
    @Override
    public String kind() {
      return "no-all-links-scope";
    }

    @Override
    public Map<String, Object> parameters() {
      return Map.of();
    }
  }

  /**
   * A one-shot failure of MIG instance creation: the GPU's next {@code after} GPU- or
   * compute-instance creations succeed, the one after answers UNKNOWN, and the fault is spent.
   * Shows what an apply does when the driver fails midway.
   */
  record MigCreateFailure(int after) implements SimFault {
    public MigCreateFailure {
      if (after < 0) {
        throw new IllegalArgumentException("after must be >= 0, got " + after);
      }
    }

    @Override
    public String kind() {
      return "mig-create-failure";
    }

    @Override
    public Map<String, Object> parameters() {
      return Map.of("after", after);
    }
  }

  /** Every NVML call on the device takes this long before answering. */
  record Latency(Duration delay) implements SimFault {
    /** The longest latency the HTTP fault API accepts per call: 10 s. */
    public static final Duration MAX = Duration.ofSeconds(10);

    public Latency {
      if (delay.isNegative() || delay.isZero()) {
        throw new IllegalArgumentException("latency must be positive, got " + delay);
      }
    }

    @Override
    public String kind() {
      return "latency";
    }

    @Override
    public Map<String, Object> parameters() {
      return Map.of("delayMs", delay.toMillis());
    }
  }

  /**
   * A fault only a CUDA probe notices (NVML sees nothing wrong): what {@link
   * SimulatedNode#probeFaults} answers for a device. On a GPU it applies to its MIG devices too.
   */
  sealed interface ProbeFault extends SimFault {}

  /** Device memory that reads back wrong: every probe finds {@code mismatches} bad words. */
  record BadMemory(long mismatches) implements ProbeFault {
    public BadMemory {
      if (mismatches <= 0) {
        throw new IllegalArgumentException("bad-memory needs mismatches > 0, got " + mismatches);
      }
    }

    @Override
    public String kind() {
      return "bad-memory";
    }

    @Override
    public Map<String, Object> parameters() {
      return Map.of("mismatches", mismatches);
    }
  }

  /** Kernels never finish: a probe runs until it is killed at its deadline. A reset ends it. */
  record HungKernel() implements ProbeFault {
    @Override
    public String kind() {
      return "hung-kernel";
    }

    @Override
    public Map<String, Object> parameters() {
      return Map.of();
    }
  }

  /** Kernels finish correctly but late: a probe takes {@code delay} (hung if past its deadline). */
  record SlowKernel(Duration delay) implements ProbeFault {
    /** The longest kernel delay the HTTP fault API accepts: 10 min (past any probe deadline). */
    public static final Duration MAX = Duration.ofMinutes(10);

    public SlowKernel {
      if (delay.isNegative() || delay.isZero()) {
        throw new IllegalArgumentException("slow-kernel delay must be positive, got " + delay);
      }
    }

    @Override
    public String kind() {
      return "slow-kernel";
    }

    @Override
    public Map<String, Object> parameters() {
      return Map.of("delayMs", delay.toMillis());
    }
  }

  /** A compute process using memory and SMs; clearing the fault ends the process. */
  record Process(int pid, long usedMemoryBytes, int smPercent) implements SimFault {
    public Process {
      if (pid <= 0) {
        throw new IllegalArgumentException("pid must be positive, got " + pid);
      }
      if (usedMemoryBytes < 0) {
        throw new IllegalArgumentException("usedMemoryBytes must be >= 0, got " + usedMemoryBytes);
      }
      if (smPercent < 0 || smPercent > 100) {
        throw new IllegalArgumentException("smPercent must be 0..100, got " + smPercent);
      }
    }

    @Override
    public String kind() {
      return "process";
    }

    @Override
    public Map<String, Object> parameters() {
      return Map.of("pid", pid, "usedMemoryBytes", usedMemoryBytes, "smPercent", smPercent);
    }
  }
}
