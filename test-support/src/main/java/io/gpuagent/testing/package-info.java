/**
 * Helpers every module's tests share: {@link io.gpuagent.testing.ManualClock}, {@link
 * io.gpuagent.testing.Await} and {@link io.gpuagent.testing.LogCapture}. Used with test scope only.
 */
package io.gpuagent.testing;
