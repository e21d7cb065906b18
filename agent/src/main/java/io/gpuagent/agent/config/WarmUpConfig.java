package io.gpuagent.agent.config;

import io.gpuagent.config.ConfigKey;
import io.gpuagent.config.ConfigSection;
import io.gpuagent.config.ConfigValues;
import io.gpuagent.config.ValueType;
import java.time.Duration;
import java.util.List;

/**
 * Whether the agent runs its kubelet paths before serving them (and its HTTP paths just after), so
 * the first real call finds compiled code; the keys under {@code warmUp.}.
 *
 * @param enabled run the warm-up at start-up
 * @param budget the longest the gRPC part may delay the first registration; the HTTP part's too (at
 *     least 1 s)
 */
public record WarmUpConfig(boolean enabled, Duration budget) {
  public static final String PREFIX = "warmUp";

  public static final ConfigKey<Boolean> ENABLED =
      ConfigKey.of(
          PREFIX,
          "enabled",
          new ValueType.Flag(),
          true,
          "Before the first registration, call the device plugin's gRPC handlers (Allocate,"
              + " GetPreferredAllocation, ListAndWatch, Register) on a throwaway socket, so the"
              + " kubelet's first call is answered by compiled code; 2 s after the start, when"
              + " the kubelet's first calls are done, GET `/metrics`, `/healthz` and"
              + " `/api/v1/devices` the same way. Nothing the kubelet, the API or the metrics"
              + " show changes.");
  public static final ConfigKey<Duration> BUDGET =
      ConfigKey.of(
          PREFIX,
          "budget",
          new ValueType.MinDuration(Duration.ofMillis(10)),
          Duration.ofMillis(300),
          "Longest the gRPC warm-up may delay the first registration, after its first round (which"
              + " always completes). The rounds it leaves run in the background once the kubelet"
              + " has been quiet for 250 ms; the HTTP warm-up gets this budget too, at least 1 s.");

  public static final ConfigSection SECTION =
      new ConfigSection(PREFIX, "Start-up warm-up", List.of(ENABLED, BUDGET));

  public static WarmUpConfig from(ConfigValues values) {
    return new WarmUpConfig(values.get(ENABLED), values.get(BUDGET));
  }
}
