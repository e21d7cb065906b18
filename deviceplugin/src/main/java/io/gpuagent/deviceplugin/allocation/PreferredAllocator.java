package io.gpuagent.deviceplugin.allocation;

import java.util.List;

/**
 * Answers the kubelet's GetPreferredAllocation for one resource: which {@code size} device IDs to
 * give a container, out of {@code available}, always including {@code mustInclude}.
 */
public interface PreferredAllocator {

  /**
   * The chosen device IDs: exactly {@code size} distinct IDs from {@code available}, every ID of
   * {@code mustInclude} among them, deterministic for the same input.
   *
   * @throws IllegalArgumentException with a one-line reason when that is impossible (size larger
   *     than what is available, a must-include ID that is not available, an unknown ID, size < 1)
   */
  List<String> choose(List<String> available, List<String> mustInclude, int size);
}
