package io.gpuagent.nvml.sim;

import java.time.Instant;

/** A fault in force on a simulated device, as {@code GET /api/v1/sim/faults} lists it. */
public record ActiveFault(String deviceUuid, SimFault fault, Instant since) {}
