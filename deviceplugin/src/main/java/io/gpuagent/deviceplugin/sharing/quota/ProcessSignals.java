package io.gpuagent.deviceplugin.sharing.quota;

/**
 * How the quota monitor ends a process: SIGTERM first, SIGKILL after the grace period. On a node it
 * is {@link #host()}; under the simulator the agent passes signals that end simulated processes.
 */
public interface ProcessSignals {

  /** Sends SIGTERM; false when no such process exists (it already ended). */
  boolean terminate(int pid);

  /** Sends SIGKILL; false when no such process exists. */
  boolean kill(int pid);

  /**
   * The host's processes through {@link ProcessHandle}: the agent's PID namespace must be the
   * host's ({@code hostPID: true}), since NVML names host pids.
   */
  static ProcessSignals host() {
    return new ProcessSignals() {
      @Override
      public boolean terminate(int pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::destroy).orElse(false);
      }

      @Override
      public boolean kill(int pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly).orElse(false);
      }
    };
  }
}
