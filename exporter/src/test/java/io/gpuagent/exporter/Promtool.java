package io.gpuagent.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs {@code promtool check metrics} (Debian package {@code prometheus}) on an exposition. Tests
 * that need it are skipped, with the reason, where it is not installed.
 *
 * <p>promtool exits 3 for lint findings. dcgm-exporter compatibility makes some certain: its {@code
 * modelName} label is camelCase, its counters have no {@code _total}, and one is named {@code
 * …_COUNTER}. Those are expected, and only for the names they concern; anything else fails.
 */
final class Promtool {
  private static final Pattern EXPECTED_LINT =
      Pattern.compile(
          "(\\S+ label names should be written in 'snake_case' not 'camelCase'"
              + "|DCGM_FI_\\S+ counter metrics should have \"_total\" suffix"
              + "|DCGM_FI_\\S+ metric name should not include type '\\S+')");

  private Promtool() {}

  static void assumeInstalled() {
    Assumptions.assumeTrue(
        onPath("promtool"),
        "promtool is not on PATH (apt-get install prometheus); skipping promtool checks");
  }

  static void checkMetrics(String exposition) throws IOException, InterruptedException {
    assumeInstalled();
    Process process =
        new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
    try (OutputStream in = process.getOutputStream()) {
      in.write(exposition.getBytes(StandardCharsets.UTF_8));
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("promtool finished").isTrue();
    assertThat(process.exitValue()).as("promtool exit code; output:\n" + output).isIn(0, 3);
    List<String> unexpected =
        output.lines().filter(line -> !EXPECTED_LINT.matcher(line).matches()).toList();
    assertThat(unexpected).as("promtool findings beyond dcgm-exporter's naming").isEmpty();
    // Only device series may carry modelName; gpu-agent's own metrics without device labels are
    // clean.
    assertThat(output).doesNotContain("gpu_agent_exporter_samples_total", "gpu_agent_nvml_errors");
  }

  static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }
}
