package io.gpuagent.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** The machine's load, printed with every timing: timings on a busy machine spread. */
public final class LoadAverage {
  private static final Path LOADAVG = Path.of("/proc/loadavg");

  private LoadAverage() {}

  /** The 1, 5 and 15 minute load averages of {@code /proc/loadavg}, or "unknown" off Linux. */
  public static String now() throws IOException {
    return Files.exists(LOADAVG)
        ? String.join(" ", Arrays.asList(Files.readString(LOADAVG).split(" ")).subList(0, 3))
        : "unknown";
  }
}
