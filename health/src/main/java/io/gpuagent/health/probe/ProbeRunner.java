package io.gpuagent.health.probe;

/**
 * Runs one probe and answers within the request's deadline (plus a little to reap a child): a hung
 * kernel becomes {@link ProbeResult.Outcome#HUNG}, never a hung caller. Closing the runner ends a
 * probe that is running.
 */
public interface ProbeRunner extends AutoCloseable {

  ProbeResult run(ProbeRequest request);

  @Override
  default void close() {}
}
