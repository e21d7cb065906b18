package io.gpuagent.bench.exporter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What one process holds and has used, from Linux's {@code /proc}: resident memory ({@code VmRSS}
 * of {@code /proc/<pid>/status}) and CPU time (user + system ticks of {@code /proc/<pid>/stat}).
 */
record ProcessUsage(long rssKib, long cpuTicks, long atNanos) {
  /** USER_HZ: 100 on every Linux the agent runs on (x86-64 and arm64 kernels fix it at 100). */
  static final long TICKS_PER_SECOND = 100;

  static ProcessUsage read(long pid) throws IOException {
    long at = System.nanoTime();
    Path proc = Path.of("/proc", Long.toString(pid));
    long rss =
        Files.readAllLines(proc.resolve("status")).stream()
            .filter(line -> line.startsWith("VmRSS:"))
            .map(line -> line.replaceAll("[^0-9]", ""))
            .mapToLong(Long::parseLong)
            .findFirst()
            .orElseThrow(() -> new IOException("no VmRSS in " + proc.resolve("status")));
    // The command name (field 2) is in parentheses and may hold spaces: count from the last ')'.
    String stat = Files.readString(proc.resolve("stat"));
    String[] afterName = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    long utime = Long.parseLong(afterName[11]); // field 14
    long stime = Long.parseLong(afterName[12]); // field 15
    return new ProcessUsage(rss, utime + stime, at);
  }

  double rssMib() {
    return rssKib / 1024.0;
  }

  /** CPU used between {@code earlier} and this reading, in percent of one core. */
  double cpuPercentSince(ProcessUsage earlier) {
    double cpuSeconds = (cpuTicks - earlier.cpuTicks) / (double) TICKS_PER_SECOND;
    double wallSeconds = (atNanos - earlier.atNanos) / 1e9;
    return wallSeconds <= 0 ? 0 : 100 * cpuSeconds / wallSeconds;
  }
}
