package io.gpuagent.podresources;

/** The latest known pod assignments; never blocks, never calls the kubelet. */
@FunctionalInterface
public interface PodAssignmentSource {
  PodAssignments current();
}
