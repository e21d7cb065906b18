package io.gpuagent.health.probe;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each probe as a child process, so a hung kernel or a crashing driver call takes the child
 * down, never the agent. The child sees only the probed device ({@code CUDA_VISIBLE_DEVICES}) and
 * answers with one {@link ProbeResult} JSON line on stdout. At the deadline the child and its
 * descendants are killed and the probe is {@code HUNG}. A child that dies without a result (killed
 * by a signal, the OOM killer, a JVM that did not start) or prints no readable one has not judged
 * the GPU: {@code ERROR}, with its exit status and stderr's last line. Closing the runner kills
 * running children; their probes answer {@code UNAVAILABLE}, which says nothing about the device.
 */
public final class ChildProcessProbeRunner implements ProbeRunner {
  private static final Logger LOG = LoggerFactory.getLogger(ChildProcessProbeRunner.class);

  /** How long to wait for the output streams after the child exited, and for a kill to land. */
  private static final long GRACE_MS = 2_000;

  private final ProbeCommand command;
  private final Set<Process> running = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  public ChildProcessProbeRunner(ProbeCommand command) {
    this.command = Objects.requireNonNull(command, "command");
  }

  @Override
  public ProbeResult run(ProbeRequest request) {
    if (closed) {
      return ProbeResult.unavailable(Duration.ZERO, "the probe runner is closed");
    }
    List<String> commandLine = command.commandFor(request);
    ProcessBuilder builder = new ProcessBuilder(commandLine);
    builder.environment().put("CUDA_VISIBLE_DEVICES", request.deviceUuid());
    long start = System.nanoTime();
    Process child;
    try {
      child = builder.start();
    } catch (IOException e) {
      // The agent cannot start its own probe (a wrong path, no memory): the GPU was not judged.
      return ProbeResult.error(
          elapsed(start), "cannot start probe " + commandLine.get(0) + ": " + e.getMessage());
    }
    running.add(child);
    try {
      return await(request, child, start);
    } finally {
      running.remove(child);
    }
  }

  /** Kills every running child; later probes answer UNAVAILABLE at once. */
  @Override
  public void close() {
    closed = true;
    for (Process child : running) {
      kill(child);
    }
  }

  private ProbeResult await(ProbeRequest request, Process child, long start) {
    String name = "gpu-agent-probe-" + child.pid();
    closeStdin(child);
    ChildOutput stdout = ChildOutput.resultLine(child.getInputStream(), name + "-stdout");
    ChildOutput stderr = ChildOutput.lastLine(child.getErrorStream(), name + "-stderr");
    try {
      boolean exited = child.waitFor(request.deadline().toNanos(), TimeUnit.NANOSECONDS);
      if (closed) {
        kill(child);
        return ProbeResult.unavailable(elapsed(start), "probe stopped: the runner was closed");
      }
      if (!exited) {
        kill(child);
        LOG.atWarn()
            .setMessage("probe-killed")
            .addKeyValue("uuid", request.deviceUuid())
            .addKeyValue("pid", child.pid())
            .addKeyValue("deadlineMs", request.deadline().toMillis())
            .log();
        return ProbeResult.hung(
            elapsed(start),
            "no result within " + request.deadline().toMillis() + " ms; the probe was killed");
      }
      return verdict(child.exitValue(), stdout.line(GRACE_MS), stderr.line(GRACE_MS), start);
    } catch (InterruptedException e) {
      kill(child);
      Thread.currentThread().interrupt();
      return ProbeResult.unavailable(elapsed(start), "probe stopped: interrupted");
    }
  }

  private static ProbeResult verdict(
      int exitCode, Optional<String> resultLine, Optional<String> lastError, long start) {
    if (resultLine.isPresent()) {
      try {
        return ProbeResult.fromJson(resultLine.get());
      } catch (IllegalArgumentException e) {
        return ProbeResult.error(elapsed(start), "probe printed bad output: " + e.getMessage());
      }
    }
    String status = exitStatus(exitCode);
    String why =
        lastError
            .map(line -> "probe " + status + " without a result: " + line)
            .orElse("probe " + status + " without a result");
    return ProbeResult.error(elapsed(start), why);
  }

  /** {@code exited 1}, or {@code killed by signal 9} (a shell's 128 + n). */
  private static String exitStatus(int exitCode) {
    return exitCode > 128 && exitCode < 160
        ? "killed by signal " + (exitCode - 128)
        : "exited " + exitCode;
  }

  /** The child's descendants first (a kill of the child alone would orphan them), then it. */
  private static void kill(Process child) {
    List<ProcessHandle> family = child.descendants().toList();
    family.forEach(ProcessHandle::destroyForcibly);
    child.destroyForcibly();
    try {
      if (!child.waitFor(GRACE_MS, TimeUnit.MILLISECONDS)) {
        LOG.atWarn().setMessage("probe-kill-late").addKeyValue("pid", child.pid()).log();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The child reads nothing from the agent: its stdin is closed at once. */
  private static void closeStdin(Process child) {
    try {
      child.getOutputStream().close();
    } catch (IOException e) {
      LOG.atDebug()
          .setMessage("probe-stdin-close-failed")
          .addKeyValue("pid", child.pid())
          .addKeyValue("error", e.toString())
          .log();
    }
  }

  private static Duration elapsed(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }
}
