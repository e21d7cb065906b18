package io.gpuagent.bench.health;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU time used by this JVM and its child processes, from Linux's {@code /proc/<pid>/stat}: user +
 * system time of the process itself (fields 14, 15), of its children that have exited and been
 * waited for (16, 17: Java's process reaper waits for every child), and of the descendants still
 * running at the reading. The three together count a probe child whether it is running or done.
 */
record ProcessTreeCpu(
    CpuTicks self, CpuTicks exitedChildren, CpuTicks runningChildren, long atNanos) {
  /** USER_HZ: 100 on every Linux the agent runs on (x86-64 and arm64 kernels fix it at 100). */
  static final double TICKS_PER_SECOND = 100;

  /** User and system CPU time in clock ticks. */
  record CpuTicks(long user, long system) {
    static final CpuTicks NONE = new CpuTicks(0, 0);

    long total() {
      return user + system;
    }

    CpuTicks plus(CpuTicks other) {
      return new CpuTicks(user + other.user, system + other.system);
    }

    CpuTicks minus(CpuTicks other) {
      return new CpuTicks(user - other.user, system - other.system);
    }

    double seconds() {
      return total() / TICKS_PER_SECOND;
    }
  }

  static ProcessTreeCpu now() throws IOException {
    long at = System.nanoTime();
    // Descendants first: one that exits between the two reads is then counted twice rather than
    // not at all, an error of at most one probe at the edge of a window.
    CpuTicks running = CpuTicks.NONE;
    for (ProcessHandle child : ProcessHandle.current().descendants().toList()) {
      List<Long> fields = statFields(child.pid());
      if (!fields.isEmpty()) {
        running =
            running.plus(
                new CpuTicks(fields.get(0) + fields.get(2), fields.get(1) + fields.get(3)));
      }
    }
    List<Long> self = statFields(ProcessHandle.current().pid());
    return new ProcessTreeCpu(
        new CpuTicks(self.get(0), self.get(1)),
        new CpuTicks(self.get(2), self.get(3)),
        running,
        at);
  }

  /** Everything the tree used: this JVM, exited children and running ones. */
  CpuTicks total() {
    return self.plus(exitedChildren).plus(runningChildren);
  }

  /** What the children used, exited or running. */
  CpuTicks children() {
    return exitedChildren.plus(runningChildren);
  }

  double wallSecondsSince(ProcessTreeCpu earlier) {
    return (atNanos - earlier.atNanos) / 1e9;
  }

  /**
   * utime, stime, cutime, cstime of one process; empty when it has already gone (it was waited for,
   * so its time is in this JVM's cutime / cstime now).
   */
  private static List<Long> statFields(long pid) throws IOException {
    String stat;
    try {
      stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    } catch (NoSuchFileException gone) {
      return List.of();
    }
    // The command name (field 2) is in parentheses and may hold spaces: count from the last ')'.
    String[] afterName = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    return List.of(
        Long.parseLong(afterName[11]),
        Long.parseLong(afterName[12]),
        Long.parseLong(afterName[13]),
        Long.parseLong(afterName[14]));
  }
}
