package io.gpuagent.health;

import io.gpuagent.health.probe.ProbeKind;
import io.gpuagent.health.probe.ProbeResult;
import java.time.Instant;

/** One probe of a device, finished at {@code at}. */
public record ProbeRun(Instant at, ProbeKind kind, ProbeResult result) {}
