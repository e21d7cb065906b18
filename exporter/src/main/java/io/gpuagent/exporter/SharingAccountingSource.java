package io.gpuagent.exporter;

/**
 * The latest per-pod accounting of shared GPUs (in the agent: the quota monitor's), read once per
 * sample on the sampler thread; must not block.
 */
@FunctionalInterface
public interface SharingAccountingSource {
  SharingAccountingSource NONE = () -> SharingAccounting.NONE;

  SharingAccounting current();
}
