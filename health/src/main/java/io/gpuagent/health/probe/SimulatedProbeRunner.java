package io.gpuagent.health.probe;

import io.gpuagent.nvml.NvmlException;
import io.gpuagent.nvml.sim.SimFault;
import io.gpuagent.nvml.sim.SimulatedNode;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Probes of a simulated node, answered from its injected probe faults: a sound device passes, bad
 * memory fails with its mismatches, a slow kernel answers late, a hung kernel (or one slower than
 * the deadline) is HUNG at the deadline, as a killed child would be. Waits in real time, so a probe
 * takes as long as the fault says; closing the runner ends waiting probes at once.
 */
public final class SimulatedProbeRunner implements ProbeRunner {
  private final SimulatedNode node;
  private final boolean cudaInstalled;
  private final CountDownLatch closing = new CountDownLatch(1);

  /** A node with CUDA: probes run. */
  public SimulatedProbeRunner(SimulatedNode node) {
    this(node, true);
  }

  /**
   * @param cudaInstalled false for a node without libcuda, where every probe is UNAVAILABLE
   */
  public SimulatedProbeRunner(SimulatedNode node, boolean cudaInstalled) {
    this.node = Objects.requireNonNull(node, "node");
    this.cudaInstalled = cudaInstalled;
  }

  @Override
  public ProbeResult run(ProbeRequest request) {
    long start = System.nanoTime();
    if (closing.getCount() == 0) {
      return ProbeResult.unavailable(Duration.ZERO, "the probe runner is closed");
    }
    if (!cudaInstalled) {
      return ProbeResult.unavailable(Duration.ZERO, "libcuda.so.1 not found (simulated)");
    }
    List<SimFault.ProbeFault> faults;
    try {
      faults = node.probeFaults(request.deviceUuid());
    } catch (IllegalArgumentException e) {
      return ProbeResult.unavailable(elapsed(start), e.getMessage());
    } catch (NvmlException e) {
      return ProbeResult.failed(
          elapsed(start), "CUDA cannot use the device: " + e.code().nvmlName(), 0);
    }
    boolean hung = false;
    Duration delay = Duration.ZERO;
    long mismatches = 0;
    for (SimFault.ProbeFault fault : faults) {
      if (fault instanceof SimFault.HungKernel) {
        hung = true;
      } else if (fault instanceof SimFault.SlowKernel slow) {
        delay = delay.compareTo(slow.delay()) >= 0 ? delay : slow.delay();
      } else if (fault instanceof SimFault.BadMemory bad) {
        mismatches += bad.mismatches();
      }
    }
    if (hung || delay.compareTo(request.deadline()) >= 0) {
      if (!pause(request.deadline())) {
        return stopped(start);
      }
      return ProbeResult.hung(
          elapsed(start),
          "no result within " + request.deadline().toMillis() + " ms; the probe was killed");
    }
    if (!pause(delay)) {
      return stopped(start);
    }
    if (mismatches > 0) {
      String detail =
          switch (request.kind()) {
            case MEMORY -> mismatches + " words read back wrong";
            case COMPUTE -> "kernel results differ from the reference in " + mismatches + " words";
          };
      return ProbeResult.failed(elapsed(start), detail, mismatches);
    }
    return ProbeResult.passed(elapsed(start));
  }

  /** Ends waiting probes (they answer UNAVAILABLE) and every later one. */
  @Override
  public void close() {
    closing.countDown();
  }

  /** False when the runner was closed (or the thread interrupted) before the time was up. */
  private boolean pause(Duration time) {
    if (time.isZero()) {
      return true;
    }
    try {
      return !closing.await(time.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static ProbeResult stopped(long start) {
    return ProbeResult.unavailable(elapsed(start), "probe stopped: the runner was closed");
  }

  private static Duration elapsed(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }
}
