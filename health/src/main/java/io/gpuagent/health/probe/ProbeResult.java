package io.gpuagent.health.probe;

import java.time.Duration;
import java.util.Objects;

/**
 * What one probe of one device found. This record is the whole protocol between the agent and the
 * {@code probe} child process: the child prints {@link #toJson()} as one line on stdout, the agent
 * reads it back with {@link #fromJson(String)}.
 *
 * <pre>{"outcome":"FAILED","durationMs":812,"detail":"3 words differ","mismatches":3}</pre>
 *
 * @param outcome what the probe concluded
 * @param duration how long the probe ran
 * @param detail one line for logs and the API (empty when there is nothing to say)
 * @param mismatches memory words that read back wrong (0 unless a memory test found some)
 */
public record ProbeResult(Outcome outcome, Duration duration, String detail, long mismatches) {

  /** What a probe concluded. */
  public enum Outcome {
    /** The device computed and remembered correctly. */
    PASSED,
    /** The device answered wrongly, or a CUDA call reported a fault of the GPU. */
    FAILED,
    /** The probe did not finish before its deadline and was killed. */
    HUNG,
    /** The probe could not run here (no libcuda, no such device); says nothing about health. */
    UNAVAILABLE,
    /**
     * This probe could not judge the GPU: the child died without a result (SIGKILL, the OOM
     * killer), its JVM did not start, or CUDA reported the environment rather than the GPU (no
     * Fabric Manager, MPS, permissions). Logged and counted; health is unchanged.
     */
    ERROR
  }

  public ProbeResult {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(detail, "detail");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("probe duration must not be negative, got " + duration);
    }
    if (mismatches < 0) {
      throw new IllegalArgumentException("mismatches must be >= 0, got " + mismatches);
    }
    // one line: the child prints this as one stdout line and logs show it as one line
    detail = detail.replace('\n', ' ').replace('\r', ' ');
  }

  public static ProbeResult passed(Duration duration) {
    return new ProbeResult(Outcome.PASSED, duration, "", 0);
  }

  public static ProbeResult failed(Duration duration, String detail, long mismatches) {
    return new ProbeResult(Outcome.FAILED, duration, detail, mismatches);
  }

  public static ProbeResult hung(Duration duration, String detail) {
    return new ProbeResult(Outcome.HUNG, duration, detail, 0);
  }

  public static ProbeResult unavailable(Duration duration, String detail) {
    return new ProbeResult(Outcome.UNAVAILABLE, duration, detail, 0);
  }

  public static ProbeResult error(Duration duration, String detail) {
    return new ProbeResult(Outcome.ERROR, duration, detail, 0);
  }

  /** The protocol line, without a trailing newline. */
  public String toJson() {
    return ProbeResultJson.write(this);
  }

  /**
   * Reads a line written by {@link #toJson()}. Unknown keys are ignored so a newer child can add
   * fields; {@code durationMs}, {@code detail} and {@code mismatches} default to 0 / empty.
   *
   * @throws IllegalArgumentException naming what is wrong when the line is not such an object
   */
  public static ProbeResult fromJson(String line) {
    return ProbeResultJson.read(line);
  }
}
